-- `/automation list` pages through one owner's automations in id order; without this index it
-- sorted all of them for every page (6 ms at 100k automations, 70 µs with it).
CREATE INDEX automation_owner_id ON automation (user_id, id);
