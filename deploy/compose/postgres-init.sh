#!/bin/sh
# First start of the compose PostgreSQL only (docker-entrypoint-initdb.d): one role and one database per
# component (the services, the gateway, and web for its sessions), each role owning its database and nothing
# else. Passwords come from <COMPONENT>_DB_PASSWORD.
set -eu
for service in booking crm sales tasks billing notifications gateway web; do
  variable="$(echo "$service" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
  password="$(printenv "$variable")"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
       -v role="$service" -v password="$password" -v database="therapy_$service" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
done
