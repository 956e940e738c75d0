-- Version 5: the manager's file-reputation data, answered to agents' lookups by SHA-256.
create table file_reputation (
    sha256     varchar(64)  primary key,
    verdict    varchar(16)  not null,
    name       varchar(200) not null,
    source     varchar(200) not null,
    updated_at timestamp with time zone not null
);
