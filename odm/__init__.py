"""ODM: Operations Data Management, a streaming HTTP API over production data."""

import os

__version__ = "0.1.0"

# Arrow takes its memory from the C library's allocator. With mimalloc, pyarrow's default,
# a server kept the blocks a large write had freed: 226 MB at peak instead of 184 for a
# million-row write (bench/findings.md); an export of 1M rows kept about 8 MB more. The
# variable, read when pyarrow is first imported, chooses another (unless already set).
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
