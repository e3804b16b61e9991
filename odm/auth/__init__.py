"""Access control: who is calling (API keys, identity-provider tokens), what their role lets
them do, which divisions they see, and the audit log of what they changed."""
