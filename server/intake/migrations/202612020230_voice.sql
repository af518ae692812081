-- Voice: calls to the line's Twilio number. The caller chooses a language, waits in a Twilio queue of
-- their own (named after their signal, so an advocate is bridged to exactly this caller), and is
-- bridged when an advocate accepts: Relais then calls the advocate's phone, whose answer dials that
-- queue. Each step's claim (bridge, hang-up, interpreter) is a conditional update of the call's row,
-- so of all the server processes that hear of a change only one calls Twilio.

create table intake_voice_call (
  -- Twilio's CallSid of the caller's call: a redelivered webhook finds the call it already stored.
  call_sid              text primary key,
  contact_id            uuid references intake_contact (id),
  signal_id             uuid unique references intake_signal (id),
  received_at           timestamptz not null,
  -- How many times the language menu was played again after no key, or a key that is not on it.
  menu_repeats          integer not null default 0,
  language              text check (language in ('en', 'fr')),
  language_chosen_at    timestamptz,
  -- What Twilio said when the call left its queue (bridged, hangup, ...) and the seconds it waited.
  queue_result          text,
  queue_time_seconds    integer,
  queue_result_at       timestamptz,
  call_status           text,
  call_ended_at         timestamptz,
  -- The advocate's leg, placed by Relais when the advocate accepts.
  advocate_id           uuid references staff_user (id),
  advocate_call_sid     text unique,
  advocate_call_status  text,
  bridge_requested_at   timestamptz,
  bridge_error          text,
  hangup_requested_at   timestamptz,
  hangup_error          text,
  -- The interpretation service, dialled into a conference with the caller and the advocate.
  interpreter_requested_at timestamptz,
  interpreter_call_sid  text unique,
  interpreter_call_status text,
  interpreter_error     text
);
create index intake_voice_call_contact_idx on intake_voice_call (contact_id, received_at);

-- The number each advocate answers calls on, sealed: Relais rings it when they accept a call.
create table intake_voice_number (
  staff_id              uuid primary key references staff_user (id) on delete cascade,
  number_sealed         text not null,
  updated_at            timestamptz not null
);

-- Recordings (only when RELAIS_VOICE_RECORDING is on): Twilio keeps the audio; Relais keeps its id and
-- length, and deletes it through Twilio's API once the retention period has passed.
create table intake_voice_recording (
  recording_sid         text primary key,
  signal_id             uuid not null references intake_signal (id),
  duration_seconds      integer,
  recorded_at           timestamptz not null,
  delete_requested_at   timestamptz,
  deleted_at            timestamptz
);
create index intake_voice_recording_due_idx on intake_voice_recording (recorded_at) where deleted_at is null;

-- Every call is a conversation of its own: a number calling while another call from it is still open
-- (a shared line, a switchboard's caller id) opens a second signal, instead of joining the first as a
-- second message would.
drop index intake_signal_open_idx;
create unique index intake_signal_open_idx on intake_signal (contact_id, channel)
  where ended_at is null and contact_id is not null and channel <> 'voice';
