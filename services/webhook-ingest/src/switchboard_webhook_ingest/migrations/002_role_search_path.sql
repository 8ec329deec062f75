-- The service's role finds its own tables without qualifying them: its schema comes first.
DO $$
BEGIN
    EXECUTE format('ALTER ROLE %s SET search_path = %I, public', '{{role}}', current_schema());
END
$$;
