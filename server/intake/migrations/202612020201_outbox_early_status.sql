-- A sent reply looks for the provider's status callbacks that arrived before its provider id was
-- recorded (received during the send): status events of one provider, by time.
create index intake_webhook_event_status_idx on intake_webhook_event (provider, received_at)
  where kind = 'status';
