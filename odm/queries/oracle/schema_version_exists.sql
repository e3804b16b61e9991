SELECT 1 FROM user_tables WHERE table_name = 'ODM_SCHEMA_VERSION'
