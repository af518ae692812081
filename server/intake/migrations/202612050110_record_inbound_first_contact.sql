-- A delivery's first message from a sender never seen before (the contact row was inserted, not
-- updated: its xmax is 0) opens a conversation without looking for one or for the message: neither
-- can exist. Otherwise as before.
create or replace function relais_record_inbound_messages(
  p_event jsonb,
  p_messages jsonb,
  p_sender_per_minute integer,
  p_notify_channel text,
  p_has_statuses boolean
) returns jsonb language plpgsql as $$
declare
  m jsonb;
  v_now timestamptz := (p_event ->> 'received_at')::timestamptz;
  v_rate record;
  v_accepted jsonb := '[]'::jsonb;
  v_counted integer := 0;
  v_throttled_until timestamptz;
  v_contact uuid;
  v_new_contact boolean;
  v_signal uuid;
  v_opened boolean;
  v_seq integer;
  v_message uuid;
  v_stored jsonb := '[]'::jsonb;
begin
  -- New messages count against their sender's one-minute window; a redelivery does not.
  for m in select * from jsonb_array_elements(p_messages) loop
    if exists (select 1 from intake_message
               where provider = m ->> 'provider' and external_id = m ->> 'external_id') then
      continue;
    end if;
    insert into intake_sender_rate as rate (key, window_started_at, count)
    values (m -> 'contact' ->> 'blind_index', v_now, 1)
    on conflict (key) do update set
      window_started_at = case when rate.window_started_at <= v_now - interval '1 minute'
                               then v_now else rate.window_started_at end,
      count = case when rate.window_started_at <= v_now - interval '1 minute'
                   then 1 else rate.count + 1 end
    returning rate.count, rate.window_started_at into v_rate;
    v_counted := v_counted + 1;
    if v_rate.count > p_sender_per_minute then
      v_throttled_until := greatest(v_throttled_until, v_rate.window_started_at + interval '1 minute');
    else
      v_accepted := v_accepted || jsonb_build_array(m);
    end if;
  end loop;
  -- Only throttled messages and nothing else: nothing is written, the provider retries.
  if v_throttled_until is not null and jsonb_array_length(v_accepted) = 0 and not p_has_statuses then
    return jsonb_build_object('stored', v_stored, 'counted', v_counted, 'throttled_until', v_throttled_until);
  end if;

  insert into intake_webhook_event (provider, external_id, kind, payload_sealed, received_at)
  values (p_event ->> 'provider', p_event ->> 'external_id', p_event ->> 'kind',
          p_event ->> 'payload_sealed', v_now)
  on conflict (provider, external_id) do nothing;

  for m in select * from jsonb_array_elements(v_accepted) loop
    -- The upsert locks the contact until the end: two messages from one person never open two
    -- conversations at once.
    insert into intake_contact as contact
      (kind, blind_index, address_sealed, display_name_sealed, first_seen_at, last_seen_at)
    values (m -> 'contact' ->> 'kind', m -> 'contact' ->> 'blind_index',
            m -> 'contact' ->> 'address_sealed', m -> 'contact' ->> 'display_name_sealed', v_now, v_now)
    on conflict (blind_index) do update set
      last_seen_at = greatest(contact.last_seen_at, excluded.last_seen_at),
      display_name_sealed = coalesce(excluded.display_name_sealed, contact.display_name_sealed)
    returning contact.id, contact.xmax = 0 into v_contact, v_new_contact;
    if v_new_contact then
      -- A sender never seen before has no conversation, and no message of theirs is stored.
      v_signal := null;
    else
      -- Under the contact's lock: a concurrent delivery of the same message has committed by now.
      if exists (select 1 from intake_message
                 where provider = m ->> 'provider' and external_id = m ->> 'external_id') then
        continue;
      end if;
      select id into v_signal from intake_signal
      where contact_id = v_contact and channel = m ->> 'channel' and ended_at is null
      for update;
    end if;
    v_opened := v_signal is null;
    if v_opened then
      -- Its first message takes seq 1 here: no second write of the new row.
      insert into intake_signal (id, channel, contact_id, queue, language, fallback_at, received_at,
                                 enqueued_at, last_message_at, last_seq)
      select s.id, s.channel, v_contact, s.queue, s.language, s.fallback_at, s.received_at,
             s.enqueued_at, s.last_message_at, 1
      from jsonb_populate_record(null::intake_signal, m -> 'new_signal') as s
      returning id, last_seq into v_signal, v_seq;
      insert into audit_event (occurred_at, actor_id, actor_label, action, entity_type, entity_id,
                               address, request_id, details)
      select a.occurred_at, a.actor_id, a.actor_label, a.action, a.entity_type, a.entity_id,
             a.address, a.request_id, a.details
      from jsonb_populate_record(null::audit_event, m -> 'new_signal_audit') as a;
      perform pg_notify(p_notify_channel,
                        json_build_object('type', 'signal.queued', 'signalId', v_signal)::text);
    else
      update intake_signal
      set last_seq = last_seq + 1,
          last_message_at = greatest(last_message_at, (m ->> 'received_at')::timestamptz)
      where id = v_signal
      returning last_seq into v_seq;
    end if;
    insert into intake_message (signal_id, seq, direction, body_sealed, media, kind, provider,
                                external_id, received_at, provider_sent_at)
    values (v_signal, v_seq, 'in', m ->> 'body_sealed', coalesce(m -> 'media', '[]'::jsonb),
            m ->> 'kind', m ->> 'provider', m ->> 'external_id',
            (m ->> 'received_at')::timestamptz, (m ->> 'provider_sent_at')::timestamptz)
    returning id into v_message;
    perform pg_notify(p_notify_channel,
                      json_build_object('type', 'message.created', 'signalId', v_signal, 'seq', v_seq)::text);
    v_stored := v_stored || jsonb_build_array(jsonb_build_object(
      'message_id', v_message, 'signal_id', v_signal, 'seq', v_seq, 'opened', v_opened));
  end loop;
  return jsonb_build_object('stored', v_stored, 'counted', v_counted, 'throttled_until', v_throttled_until);
end
$$;
