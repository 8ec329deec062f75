-- The locations a tenant user may reach; null means every location of the tenant.
ALTER TABLE users ADD COLUMN locations text[];
