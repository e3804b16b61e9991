#!/bin/bash
# For compose.oracle.yaml: gvenzl/oracle-free runs this once, when it creates the database
# (/container-entrypoint-initdb.d). It makes the roles and the application account of the
# deployment in docs/oracle.md, in FREEPDB1; the owner, odm, is the image's APP_USER.
# Not run on the machine this was written on (no container engine there).
set -euo pipefail

sqlplus -s / as sysdba <<SQL
WHENEVER SQLERROR EXIT FAILURE
ALTER SESSION SET CONTAINER = FREEPDB1;
CREATE ROLE odm_reader;
CREATE ROLE odm_writer;
CREATE USER odm_app IDENTIFIED BY "${ODM_APP_PASSWORD}";
GRANT CREATE SESSION, odm_reader TO odm_app;
EXIT
SQL
