-- Version 8: settings of the manager itself that administrators change while it runs (the syslog
-- destination first); each row is one named setting as JSON, with who changed it and when.
create table manager_setting (
    name varchar(100) primary key,
    setting_value varchar(8000) not null,
    updated_by varchar(200) not null,
    updated_at timestamp with time zone not null
);
