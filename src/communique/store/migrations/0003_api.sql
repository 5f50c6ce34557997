-- communique schema, version 3: indexes for `communique serve` (the explorer and the JSON API).
-- A page of events needs the participants of 50 events, an event page one event, an actor page
-- the events of one actor: point look-ups by id, which without an index scan every row (tens of
-- milliseconds each over a million events).  Not unique, so a document's rows can be deleted and
-- written again in one transaction.
CREATE INDEX events_event_id ON events (event_id);
CREATE INDEX event_actors_event_id ON event_actors (event_id);
CREATE INDEX event_actors_actor_id ON event_actors (actor_id);
