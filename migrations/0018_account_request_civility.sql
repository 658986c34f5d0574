-- An account request says the user's civility, so the account it creates carries it (M or MME). Requests
-- made before it have none: the support desk gives it when it fulfils them.
alter table account_requests
  add column civility text check (civility in ('M', 'MME'));
