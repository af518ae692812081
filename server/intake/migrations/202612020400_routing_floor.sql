-- The router's first question each round: when does the next open offer lapse?
create index intake_offer_expiry_idx on intake_offer (expires_at) where outcome is null;
