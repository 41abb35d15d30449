-- Generated: flask --app recruiter schema > recruiter/schema.sql
-- What every migration applied to an empty database builds. Never run it:
-- init-db applies the migrations; tests/test_migrations.py compares.

CREATE TABLE "activities" (
   "id" INTEGER PRIMARY KEY,
   "kind" TEXT NOT NULL,
   "association_id" INTEGER REFERENCES "associations"("id"),
   "municipality_id" INTEGER REFERENCES "municipalities"("id"),
   "campaign_id" INTEGER REFERENCES "campaigns"("id"),
   "audience" TEXT NOT NULL,
   "starts_at" TEXT NOT NULL,
   "ends_at" TEXT NOT NULL,
   "place" TEXT NOT NULL,
   "capacity" INTEGER NOT NULL,
   "description" TEXT,
   "organiser_id" INTEGER NOT NULL REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL,
   "updated_at" TEXT NOT NULL,
   "cancelled_at" TEXT,
   "sequence" INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE "activity_guests" (
   "id" INTEGER PRIMARY KEY,
   "activity_id" INTEGER NOT NULL REFERENCES "activities"("id"),
   "invited_by" INTEGER NOT NULL REFERENCES "members"("id"),
   "first_name" TEXT NOT NULL,
   "phone" TEXT NOT NULL,
   "consent_at" TEXT NOT NULL,
   "created_at" TEXT NOT NULL
);

CREATE TABLE "activity_signups" (
   "activity_id" INTEGER REFERENCES "activities"("id"),
   "member_id" INTEGER REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL,
   "attended" INTEGER,
   "reminded_at" TEXT,
   "confirmed_at" TEXT, how_it_went text,
   PRIMARY KEY ("activity_id", "member_id")
);

CREATE TABLE "associations" (
   "id" INTEGER PRIMARY KEY,
   "municipality_id" INTEGER NOT NULL REFERENCES "municipalities"("id"),
   "name" TEXT NOT NULL,
   "code" TEXT NOT NULL,
   "created_at" TEXT NOT NULL
);

CREATE TABLE "audit_log" (
   "id" INTEGER PRIMARY KEY,
   "at" TEXT NOT NULL,
   "actor_id" INTEGER,
   "action" TEXT NOT NULL,
   "object_type" TEXT,
   "object_id" INTEGER,
   "outcome" TEXT NOT NULL
);

CREATE TABLE "cache_generation" (
   "id" INTEGER PRIMARY KEY,
   "generation" INTEGER NOT NULL
);

CREATE TABLE "calendar_feeds" (
   "member_id" INTEGER PRIMARY KEY REFERENCES "members"("id"),
   "token_hash" TEXT NOT NULL,
   "created_at" TEXT NOT NULL
);

CREATE TABLE "call_lists" (
   "id" INTEGER PRIMARY KEY,
   "kind" TEXT NOT NULL,
   "association_id" INTEGER REFERENCES "associations"("id"),
   "purpose" TEXT,
   "created_at" TEXT NOT NULL,
   "closes_at" TEXT
, partner_id integer references partner_organisations(id), script text, created_by integer references members(id), closed_at text, erased_at text);

CREATE TABLE "call_targets" (
   "id" INTEGER PRIMARY KEY,
   "list_id" INTEGER NOT NULL REFERENCES "call_lists"("id"),
   "signup_id" INTEGER REFERENCES "signups"("id"),
   "due_on" TEXT NOT NULL,
   "state" TEXT NOT NULL DEFAULT 'waiting',
   "tries" INTEGER NOT NULL DEFAULT 0,
   "next_try_at" TEXT,
   "locked_by" INTEGER REFERENCES "members"("id"),
   "locked_until" TEXT,
   "needs_decision" INTEGER NOT NULL DEFAULT 0,
   "created_at" TEXT NOT NULL,
   "done_at" TEXT,
   "done_on" TEXT
);

CREATE TABLE "calls" (
   "id" INTEGER PRIMARY KEY,
   "target_id" INTEGER NOT NULL REFERENCES "call_targets"("id"),
   "caller_id" INTEGER NOT NULL REFERENCES "members"("id"),
   "client_uuid" TEXT NOT NULL,
   "outcome" TEXT NOT NULL,
   "answers" TEXT NOT NULL,
   "note" TEXT,
   "call_back_at" TEXT,
   "created_at" TEXT NOT NULL
);

CREATE TABLE "campaign_associations" (
   "campaign_id" INTEGER REFERENCES "campaigns"("id"),
   "association_id" INTEGER REFERENCES "associations"("id"),
   PRIMARY KEY ("campaign_id", "association_id")
);

CREATE TABLE "campaign_snapshots" (
   "campaign_id" INTEGER PRIMARY KEY REFERENCES "campaigns"("id"),
   "taken_at" TEXT NOT NULL,
   "body" TEXT NOT NULL
);

CREATE TABLE "campaigns" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT NOT NULL,
   "starts_on" TEXT NOT NULL,
   "ends_on" TEXT NOT NULL,
   "goal" INTEGER,
   "created_at" TEXT NOT NULL
, "level" TEXT NOT NULL DEFAULT 'nation', "unit_id" INTEGER, "description" TEXT, parent_campaign_id integer references campaigns(id), created_by integer references members(id));

CREATE TABLE "consent_texts" (
   "id" INTEGER PRIMARY KEY,
   "version" TEXT NOT NULL,
   "lang" TEXT NOT NULL,
   "body" TEXT NOT NULL,
   "sha256" TEXT NOT NULL,
   "valid_from" TEXT NOT NULL
);

CREATE TABLE "districts" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT NOT NULL,
   "code" TEXT NOT NULL,
   "created_at" TEXT NOT NULL
);

CREATE TABLE "export_batch_signups" (
   "batch_id" INTEGER REFERENCES "export_batches"("id"),
   "signup_id" INTEGER REFERENCES "signups"("id"),
   PRIMARY KEY ("batch_id", "signup_id")
);

CREATE TABLE "export_batches" (
   "id" INTEGER PRIMARY KEY,
   "created_by" INTEGER NOT NULL REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL,
   "row_count" INTEGER NOT NULL,
   "sha256" TEXT NOT NULL,
   "scope_level" TEXT NOT NULL,
   "scope_unit_id" INTEGER
);

CREATE TABLE "goals" (
   "id" INTEGER PRIMARY KEY,
   "measure" TEXT NOT NULL,
   "target" REAL NOT NULL,
   "level" TEXT NOT NULL,
   "unit_id" INTEGER,
   "starts_on" TEXT NOT NULL,
   "ends_on" TEXT NOT NULL,
   "campaign_id" INTEGER REFERENCES "campaigns"("id"),
   "plan_id" INTEGER REFERENCES "plans"("id"),
   "created_at" TEXT NOT NULL
);

CREATE TABLE "invitations" (
   "id" INTEGER PRIMARY KEY,
   "association_id" INTEGER NOT NULL REFERENCES "associations"("id"),
   "token_hash" TEXT NOT NULL,
   "created_by" INTEGER NOT NULL REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL,
   "expires_at" TEXT NOT NULL,
   "max_uses" INTEGER NOT NULL DEFAULT 1,
   "uses" INTEGER NOT NULL DEFAULT 0,
   "revoked_at" TEXT
);

CREATE TABLE "links" (
   "id" INTEGER PRIMARY KEY,
   "code" TEXT NOT NULL,
   "member_id" INTEGER NOT NULL REFERENCES "members"("id"),
   "label" TEXT,
   "campaign_id" INTEGER REFERENCES "campaigns"("id"),
   "is_personal" INTEGER NOT NULL DEFAULT 0,
   "created_at" TEXT NOT NULL,
   "revoked_at" TEXT
, partner_id integer references partner_organisations(id));

CREATE TABLE "member_interests" (
   "member_id" INTEGER PRIMARY KEY REFERENCES "members"("id"),
   "kinds" TEXT NOT NULL,
   "times" TEXT NOT NULL,
   "updated_at" TEXT NOT NULL
);

CREATE TABLE "members" (
   "id" INTEGER PRIMARY KEY,
   "email" TEXT NOT NULL,
   "first_name" TEXT NOT NULL,
   "last_name" TEXT NOT NULL,
   "password_hash" TEXT NOT NULL,
   "association_id" INTEGER REFERENCES "associations"("id"),
   "is_active" INTEGER NOT NULL DEFAULT 1,
   "created_at" TEXT NOT NULL,
   "deactivated_at" TEXT
, "leaderboard_name" TEXT NOT NULL DEFAULT 'initial', "totp_secret" TEXT, "totp_last_step" INTEGER);

CREATE TABLE "municipalities" (
   "id" INTEGER PRIMARY KEY,
   "district_id" INTEGER NOT NULL REFERENCES "districts"("id"),
   "name" TEXT NOT NULL,
   "code" TEXT NOT NULL,
   "created_at" TEXT NOT NULL
, "welcome_due_days" INTEGER);

CREATE TABLE "notices" (
   "id" INTEGER PRIMARY KEY,
   "member_id" INTEGER NOT NULL REFERENCES "members"("id"),
   "kind" TEXT NOT NULL,
   "actor_id" INTEGER,
   "unit_id" INTEGER,
   "at" TEXT NOT NULL,
   "shown_at" TEXT
);

CREATE TABLE "partner_caller_links" (
   "id" INTEGER PRIMARY KEY,
   "partner_id" INTEGER NOT NULL REFERENCES "partner_organisations"("id"),
   "token_hash" TEXT NOT NULL,
   "created_by" INTEGER NOT NULL REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL,
   "expires_at" TEXT NOT NULL,
   "revoked_at" TEXT
);

CREATE TABLE "partner_callers" (
   "partner_id" INTEGER REFERENCES "partner_organisations"("id"),
   "member_id" INTEGER REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL,
   PRIMARY KEY ("partner_id", "member_id")
);

CREATE TABLE "partner_contacts" (
   "target_id" INTEGER PRIMARY KEY REFERENCES "call_targets"("id"),
   "first_name" TEXT NOT NULL,
   "last_name" TEXT NOT NULL,
   "phone" TEXT NOT NULL,
   "email" TEXT,
   "municipality_id" INTEGER REFERENCES "municipalities"("id"),
   "association_id" INTEGER REFERENCES "associations"("id"),
   "line" INTEGER NOT NULL
);

CREATE TABLE "partner_invitations" (
   "id" INTEGER PRIMARY KEY,
   "partner_id" INTEGER NOT NULL REFERENCES "partner_organisations"("id"),
   "token_hash" TEXT NOT NULL,
   "created_by" INTEGER NOT NULL REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL,
   "expires_at" TEXT NOT NULL,
   "used_at" TEXT,
   "used_by" INTEGER REFERENCES "members"("id"),
   "revoked_at" TEXT
);

CREATE TABLE "partner_memberships" (
   "member_id" INTEGER REFERENCES "members"("id"),
   "partner_id" INTEGER REFERENCES "partner_organisations"("id"),
   "created_at" TEXT NOT NULL,
   PRIMARY KEY ("member_id", "partner_id")
);

CREATE TABLE "partner_organisations" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT NOT NULL,
   "kind" TEXT NOT NULL,
   "code" TEXT NOT NULL,
   "created_at" TEXT NOT NULL
);

CREATE TABLE "password_resets" (
   "id" INTEGER PRIMARY KEY,
   "member_id" INTEGER NOT NULL REFERENCES "members"("id"),
   "token_hash" TEXT NOT NULL,
   "created_by" INTEGER NOT NULL REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL,
   "expires_at" TEXT NOT NULL,
   "used_at" TEXT
);

CREATE TABLE "plans" (
   "id" INTEGER PRIMARY KEY,
   "level" TEXT NOT NULL,
   "unit_id" INTEGER NOT NULL,
   "year" INTEGER NOT NULL,
   "body" TEXT NOT NULL,
   "created_by" INTEGER REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL,
   "updated_at" TEXT NOT NULL
);

CREATE TABLE "postcode_areas" (
   "prefix" TEXT,
   "municipality_id" INTEGER REFERENCES "municipalities"("id"),
   PRIMARY KEY ("prefix", "municipality_id")
);

CREATE TABLE "recovery_codes" (
   "id" INTEGER PRIMARY KEY,
   "member_id" INTEGER NOT NULL REFERENCES "members"("id"),
   "code_hash" TEXT NOT NULL,
   "used_at" TEXT
);

CREATE TABLE "register_figures" (
   "association_id" INTEGER NOT NULL REFERENCES "associations"("id"),
   "on_date" TEXT NOT NULL,
   "members" INTEGER NOT NULL,
   "members_under_45" INTEGER NOT NULL,
   "new_members" INTEGER NOT NULL,
   "import_id" INTEGER REFERENCES "register_imports"("id"),
   PRIMARY KEY ("association_id", "on_date")
);

CREATE TABLE "register_imports" (
   "id" INTEGER PRIMARY KEY,
   "kind" TEXT NOT NULL,
   "created_by" INTEGER NOT NULL REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL,
   "sha256" TEXT NOT NULL,
   "token_hash" TEXT,
   "scope_level" TEXT NOT NULL,
   "scope_unit_id" INTEGER,
   "based_on" INTEGER,
   "row_count" INTEGER,
   "error_count" INTEGER,
   "change_count" INTEGER,
   "summary" TEXT,
   "applied_at" TEXT,
   "applied_by" INTEGER REFERENCES "members"("id")
);

CREATE TABLE "register_resignations" (
   "association_id" INTEGER REFERENCES "associations"("id"),
   "on_date" TEXT,
   "reason" TEXT,
   "count" INTEGER NOT NULL,
   PRIMARY KEY ("association_id", "on_date", "reason")
);

CREATE TABLE "report_drafts" (
   "id" INTEGER PRIMARY KEY,
   "level" TEXT NOT NULL,
   "unit_id" INTEGER,
   "period" TEXT NOT NULL,
   "analysis" TEXT NOT NULL,
   "updated_by" INTEGER NOT NULL REFERENCES "members"("id"),
   "updated_at" TEXT NOT NULL
);

CREATE TABLE "report_snapshots" (
   "id" INTEGER PRIMARY KEY,
   "level" TEXT NOT NULL,
   "unit_id" INTEGER,
   "period" TEXT NOT NULL,
   "body" TEXT NOT NULL,
   "closed_by" INTEGER NOT NULL REFERENCES "members"("id"),
   "closed_at" TEXT NOT NULL
);

CREATE TABLE "reset_requests" (
   "id" INTEGER PRIMARY KEY,
   "member_id" INTEGER NOT NULL REFERENCES "members"("id"),
   "requested_by" INTEGER NOT NULL REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL,
   "approved_by" INTEGER REFERENCES "members"("id"),
   "approved_at" TEXT
);

CREATE TABLE "roles" (
   "id" INTEGER PRIMARY KEY,
   "member_id" INTEGER NOT NULL REFERENCES "members"("id"),
   "role" TEXT NOT NULL,
   "unit_id" INTEGER,
   "created_at" TEXT NOT NULL
);

CREATE TABLE "sessions" (
   "id" INTEGER PRIMARY KEY,
   "token_hash" TEXT NOT NULL,
   "member_id" INTEGER NOT NULL REFERENCES "members"("id"),
   "role_id" INTEGER NOT NULL REFERENCES "roles"("id"),
   "created_at" TEXT NOT NULL,
   "last_seen_at" TEXT,
   "expires_at" TEXT NOT NULL,
   "revoked_at" TEXT,
   "user_agent" TEXT
, "idle_seconds" INTEGER, "confirmed_at" TEXT);

CREATE TABLE "shift_companions" (
   "shift_id" INTEGER REFERENCES "shifts"("id"),
   "member_id" INTEGER REFERENCES "members"("id"),
   PRIMARY KEY ("shift_id", "member_id")
);

CREATE TABLE "shifts" (
   "id" INTEGER PRIMARY KEY,
   "client_uuid" TEXT NOT NULL,
   "member_id" INTEGER NOT NULL REFERENCES "members"("id"),
   "association_id" INTEGER REFERENCES "associations"("id"),
   "kind" TEXT NOT NULL,
   "place" TEXT NOT NULL,
   "municipality_id" INTEGER REFERENCES "municipalities"("id"),
   "campaign_id" INTEGER REFERENCES "campaigns"("id"),
   "doors_knocked" INTEGER NOT NULL DEFAULT 0,
   "doors_opened" INTEGER NOT NULL DEFAULT 0,
   "conversations" INTEGER NOT NULL DEFAULT 0,
   "paper_signups" INTEGER NOT NULL DEFAULT 0,
   "interested" INTEGER NOT NULL DEFAULT 0,
   "note" TEXT,
   "started_at" TEXT NOT NULL,
   "ended_at" TEXT NOT NULL,
   "created_at" TEXT NOT NULL,
   "updated_at" TEXT NOT NULL
, activity_id integer references activities(id), quality_flag text, quality_confirmed_at text, quality_confirmed_by integer references members(id));

CREATE TABLE "signup_statuses" (
   "id" INTEGER PRIMARY KEY,
   "signup_id" INTEGER NOT NULL REFERENCES "signups"("id"),
   "status" TEXT NOT NULL,
   "on_date" TEXT NOT NULL,
   "reason" TEXT,
   "import_id" INTEGER REFERENCES "register_imports"("id")
);

CREATE TABLE "signups" (
   "id" INTEGER PRIMARY KEY,
   "submission_id" TEXT NOT NULL,
   "source" TEXT NOT NULL,
   "link_id" INTEGER REFERENCES "links"("id"),
   "recruiter_id" INTEGER REFERENCES "members"("id"),
   "campaign_id" INTEGER REFERENCES "campaigns"("id"),
   "association_id" INTEGER REFERENCES "associations"("id"),
   "municipality_id" INTEGER REFERENCES "municipalities"("id"),
   "first_name" TEXT NOT NULL,
   "last_name" TEXT NOT NULL,
   "email" TEXT,
   "phone" TEXT,
   "birth_year" INTEGER NOT NULL,
   "postcode" TEXT NOT NULL,
   "consent_id" INTEGER NOT NULL REFERENCES "consent_texts"("id"),
   "consent_at" TEXT NOT NULL,
   "status" TEXT NOT NULL DEFAULT 'registered',
   "status_at" TEXT NOT NULL,
   "created_at" TEXT NOT NULL
, "erased_at" TEXT, "withdraw_token_hash" TEXT, duplicate_of integer references signups(id), "reference" TEXT, original_recruiter_id integer references members(id), partner_id integer references partner_organisations(id));

CREATE TABLE survey_answered (
                    survey_id integer not null references surveys(id),
                    member_id integer not null references members(id) on delete cascade,
                    on_date text not null,
                    primary key (survey_id, member_id)) without rowid;

CREATE TABLE survey_answers (
                    id integer primary key, survey_id integer not null references surveys(id),
                    level text not null, via text not null,
                    association_id integer references associations(id),
                    municipality_id integer references municipalities(id),
                    district_id integer references districts(id),
                    free_text text);

CREATE TABLE survey_codes (
                    code_hash text primary key,
                    survey_id integer not null references surveys(id),
                    municipality_id integer not null references municipalities(id),
                    used_on text) without rowid;

CREATE TABLE survey_scores (
                    answer_id integer not null references survey_answers(id),
                    question text not null, score integer not null check (score between 1 and 5),
                    primary key (answer_id, question)) without rowid;

CREATE TABLE "surveys" (
   "id" INTEGER PRIMARY KEY,
   "kind" TEXT NOT NULL,
   "title" TEXT NOT NULL,
   "period" TEXT NOT NULL,
   "opens_on" TEXT NOT NULL,
   "closes_on" TEXT NOT NULL,
   "audience" TEXT NOT NULL,
   "questions" TEXT NOT NULL,
   "created_by" INTEGER NOT NULL REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL
);

CREATE TABLE "welcomers" (
   "association_id" INTEGER REFERENCES "associations"("id"),
   "member_id" INTEGER REFERENCES "members"("id"),
   "created_at" TEXT NOT NULL,
   PRIMARY KEY ("association_id", "member_id")
);

CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");

CREATE INDEX "idx_activities_association_id_starts_at"
    ON "activities" ("association_id", "starts_at");

CREATE INDEX "idx_activities_audience_starts_at"
    ON "activities" ("audience", "starts_at");

CREATE INDEX "idx_activities_municipality_id_starts_at"
    ON "activities" ("municipality_id", "starts_at");

CREATE INDEX "idx_activity_guests_activity_id_invited_by"
    ON "activity_guests" ("activity_id", "invited_by");

CREATE INDEX "idx_activity_signups_member_id_activity_id"
    ON "activity_signups" ("member_id", "activity_id");

CREATE UNIQUE INDEX "idx_associations_code"
    ON "associations" ("code");

CREATE INDEX "idx_associations_municipality_id_name"
    ON "associations" ("municipality_id", "name");

CREATE INDEX "idx_audit_log_at"
    ON "audit_log" ("at");

CREATE UNIQUE INDEX "idx_calendar_feeds_token_hash"
    ON "calendar_feeds" ("token_hash");

CREATE INDEX "idx_call_lists_association_id_kind"
    ON "call_lists" ("association_id", "kind");

CREATE INDEX idx_call_lists_partner_id on call_lists(partner_id) where partner_id is not null;

CREATE INDEX "idx_call_targets_list_id_state_due_on"
    ON "call_targets" ("list_id", "state", "due_on");

CREATE INDEX "idx_call_targets_locked_by_locked_until"
    ON "call_targets" ("locked_by", "locked_until");

CREATE INDEX "idx_call_targets_signup_id"
    ON "call_targets" ("signup_id");

CREATE INDEX "idx_calls_caller_id_created_at"
    ON "calls" ("caller_id", "created_at");

CREATE UNIQUE INDEX "idx_calls_client_uuid"
    ON "calls" ("client_uuid");

CREATE INDEX "idx_calls_target_id_created_at"
    ON "calls" ("target_id", "created_at");

CREATE INDEX "idx_campaigns_level_unit_id_ends_on"
    ON "campaigns" ("level", "unit_id", "ends_on");

CREATE UNIQUE INDEX "idx_consent_texts_version_lang"
    ON "consent_texts" ("version", "lang");

CREATE UNIQUE INDEX "idx_districts_code"
    ON "districts" ("code");

CREATE UNIQUE INDEX "idx_export_batch_signups_signup_id"
    ON "export_batch_signups" ("signup_id");

CREATE INDEX "idx_goals_campaign_id"
    ON "goals" ("campaign_id");

CREATE INDEX "idx_goals_plan_id"
    ON "goals" ("plan_id");

CREATE INDEX "idx_invitations_association_id_created_at"
    ON "invitations" ("association_id", "created_at");

CREATE UNIQUE INDEX "idx_invitations_token_hash"
    ON "invitations" ("token_hash");

CREATE UNIQUE INDEX "idx_links_code"
    ON "links" ("code");

CREATE INDEX "idx_links_member_id_created_at"
    ON "links" ("member_id", "created_at");

CREATE INDEX "idx_members_association_id_last_name"
    ON "members" ("association_id", "last_name");

CREATE UNIQUE INDEX "idx_members_email"
    ON "members" ("email");

CREATE UNIQUE INDEX "idx_municipalities_code"
    ON "municipalities" ("code");

CREATE INDEX "idx_municipalities_district_id_name"
    ON "municipalities" ("district_id", "name");

CREATE INDEX "idx_notices_member_id_shown_at"
    ON "notices" ("member_id", "shown_at");

CREATE UNIQUE INDEX "idx_partner_caller_links_token_hash"
    ON "partner_caller_links" ("token_hash");

CREATE INDEX "idx_partner_callers_member_id"
    ON "partner_callers" ("member_id");

CREATE INDEX "idx_partner_invitations_partner_id_created_at"
    ON "partner_invitations" ("partner_id", "created_at");

CREATE UNIQUE INDEX "idx_partner_invitations_token_hash"
    ON "partner_invitations" ("token_hash");

CREATE INDEX "idx_partner_memberships_partner_id"
    ON "partner_memberships" ("partner_id");

CREATE UNIQUE INDEX "idx_partner_organisations_code"
    ON "partner_organisations" ("code");

CREATE UNIQUE INDEX "idx_password_resets_token_hash"
    ON "password_resets" ("token_hash");

CREATE UNIQUE INDEX "idx_plans_level_unit_id_year"
    ON "plans" ("level", "unit_id", "year");

CREATE UNIQUE INDEX "idx_recovery_codes_member_id_code_hash"
    ON "recovery_codes" ("member_id", "code_hash");

CREATE INDEX "idx_register_figures_on_date_association_id"
    ON "register_figures" ("on_date", "association_id");

CREATE INDEX "idx_register_imports_applied_at_id"
    ON "register_imports" ("applied_at", "id");

CREATE UNIQUE INDEX idx_report_drafts_unit on report_drafts (level, coalesce(unit_id, 0), period);

CREATE UNIQUE INDEX idx_report_snapshots_unit on report_snapshots (level, coalesce(unit_id, 0), period);

CREATE UNIQUE INDEX "idx_roles_member_id_role_unit_id"
    ON "roles" ("member_id", "role", "unit_id");

CREATE INDEX "idx_roles_role_unit_id"
    ON "roles" ("role", "unit_id");

CREATE INDEX "idx_sessions_member_id_revoked_at"
    ON "sessions" ("member_id", "revoked_at");

CREATE UNIQUE INDEX "idx_sessions_token_hash"
    ON "sessions" ("token_hash");

CREATE INDEX "idx_shifts_activity_id"
    ON "shifts" ("activity_id");

CREATE INDEX "idx_shifts_association_id_started_at"
    ON "shifts" ("association_id", "started_at");

CREATE INDEX idx_shifts_campaign_id on shifts(campaign_id)
                  where campaign_id is not null;

CREATE UNIQUE INDEX "idx_shifts_client_uuid"
    ON "shifts" ("client_uuid");

CREATE INDEX "idx_shifts_member_id_started_at"
    ON "shifts" ("member_id", "started_at");

CREATE INDEX idx_shifts_quality on shifts(association_id, started_at)
                  where quality_flag is not null and quality_confirmed_at is null;

CREATE INDEX "idx_signup_statuses_signup_id_on_date"
    ON "signup_statuses" ("signup_id", "on_date");

CREATE INDEX "idx_signup_statuses_status_on_date_signup_id"
    ON "signup_statuses" ("status", "on_date", "signup_id");

CREATE INDEX "idx_signups_association_id_created_at_source_status_birth_year_campaign_id_duplicate_of"
    ON "signups" ("association_id", "created_at", "source", "status", "birth_year", "campaign_id", "duplicate_of");

CREATE INDEX "idx_signups_created_at_source_status_birth_year_campaign_id_duplicate_of_municipality_id_association_id"
    ON "signups" ("created_at", "source", "status", "birth_year", "campaign_id", "duplicate_of", "municipality_id", "association_id");

CREATE INDEX idx_signups_duplicate_of on signups(duplicate_of)
                  where duplicate_of is not null;

CREATE INDEX "idx_signups_email_created_at"
    ON "signups" ("email", "created_at");

CREATE INDEX idx_signups_exportable on signups(id)
                  where erased_at is null and duplicate_of is null;

CREATE INDEX "idx_signups_link_id"
    ON "signups" ("link_id");

CREATE INDEX "idx_signups_municipality_id_created_at_source_status_birth_year_campaign_id_duplicate_of"
    ON "signups" ("municipality_id", "created_at", "source", "status", "birth_year", "campaign_id", "duplicate_of");

CREATE INDEX idx_signups_partner_id_created_at on signups(partner_id, created_at)
                  where partner_id is not null;

CREATE INDEX "idx_signups_phone_created_at"
    ON "signups" ("phone", "created_at");

CREATE INDEX "idx_signups_recruiter_id_created_at"
    ON "signups" ("recruiter_id", "created_at");

CREATE INDEX "idx_signups_recruiter_id_source_created_at_duplicate_of"
    ON "signups" ("recruiter_id", "source", "created_at", "duplicate_of");

CREATE UNIQUE INDEX idx_signups_reference on signups(reference);

CREATE UNIQUE INDEX "idx_signups_submission_id"
    ON "signups" ("submission_id");

CREATE INDEX "idx_signups_withdraw_token_hash"
    ON "signups" ("withdraw_token_hash");

CREATE INDEX idx_survey_answers_unit on survey_answers (survey_id, district_id, municipality_id, association_id);

CREATE INDEX idx_survey_codes_survey on survey_codes (survey_id, used_on);

CREATE INDEX "idx_surveys_kind_opens_on"
    ON "surveys" ("kind", "opens_on");

CREATE TRIGGER activity_signups_how_it_went_insert_is_known
                before insert on activity_signups
                when new.how_it_went is not null and new.how_it_went not in ('good', 'ok', 'bad')
                begin select raise(abort, 'unknown activity_signups.how_it_went'); end;

CREATE TRIGGER activity_signups_how_it_went_update_is_known
                before update of how_it_went on activity_signups
                when new.how_it_went is not null and new.how_it_went not in ('good', 'ok', 'bad')
                begin select raise(abort, 'unknown activity_signups.how_it_went'); end;

CREATE TRIGGER associations_delete_bumps_cache after delete on associations
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER associations_insert_bumps_cache after insert on associations
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER associations_update_bumps_cache after update on associations
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER call_lists_kind_insert_is_known before insert on call_lists
                    when new.kind not in ('welcome', 'unpaid', 'partner')
                    begin select raise(abort, 'unknown call_lists.kind'); end;

CREATE TRIGGER call_lists_kind_update_is_known before update of kind on call_lists
                    when new.kind not in ('welcome', 'unpaid', 'partner')
                    begin select raise(abort, 'unknown call_lists.kind'); end;

CREATE TRIGGER call_targets_state_insert_is_known before insert on call_targets
                when new.state not in ('waiting', 'reached', 'could_not_reach', 'not_interested', 'handed_over', 'wrong_number', 'closed')
                begin select raise(abort, 'unknown call_targets.state'); end;

CREATE TRIGGER call_targets_state_update_is_known before update of state on call_targets
                when new.state not in ('waiting', 'reached', 'could_not_reach', 'not_interested', 'handed_over', 'wrong_number', 'closed')
                begin select raise(abort, 'unknown call_targets.state'); end;

CREATE TRIGGER calls_outcome_insert_is_known before insert on calls
                    when new.outcome not in ('reached', 'no_answer', 'wrong_number', 'call_back', 'not_interested', 'handed_over')
                    begin select raise(abort, 'unknown calls.outcome'); end;

CREATE TRIGGER calls_outcome_update_is_known before update of outcome on calls
                    when new.outcome not in ('reached', 'no_answer', 'wrong_number', 'call_back', 'not_interested', 'handed_over')
                    begin select raise(abort, 'unknown calls.outcome'); end;

CREATE TRIGGER campaign_snapshots_no_update before update on campaign_snapshots
                  begin select raise(abort, 'campaign snapshots are written once'); end;

CREATE TRIGGER campaigns_delete_bumps_cache after delete on campaigns
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER campaigns_insert_bumps_cache after insert on campaigns
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER campaigns_update_bumps_cache after update on campaigns
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER consent_texts_no_delete before delete on consent_texts
                  begin select raise(abort, 'consent texts are immutable'); end;

CREATE TRIGGER consent_texts_no_update before update on consent_texts
                  begin select raise(abort, 'consent texts are immutable'); end;

CREATE TRIGGER districts_delete_bumps_cache after delete on districts
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER districts_insert_bumps_cache after insert on districts
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER districts_update_bumps_cache after update on districts
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER members_leaderboard_name_insert_is_known before insert on members
                when new.leaderboard_name not in ('full', 'initial', 'hidden', 'none')
                begin select raise(abort, 'unknown members.leaderboard_name'); end;

CREATE TRIGGER members_leaderboard_name_update_is_known before update of leaderboard_name on members
                when new.leaderboard_name not in ('full', 'initial', 'hidden', 'none')
                begin select raise(abort, 'unknown members.leaderboard_name'); end;

CREATE TRIGGER municipalities_delete_bumps_cache after delete on municipalities
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER municipalities_insert_bumps_cache after insert on municipalities
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER municipalities_update_bumps_cache after update on municipalities
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER report_snapshots_no_delete before delete on report_snapshots
                  begin select raise(abort, 'a closed report never changes'); end;

CREATE TRIGGER report_snapshots_no_update before update on report_snapshots
                  begin select raise(abort, 'a closed report never changes'); end;

CREATE TRIGGER roles_role_insert_is_known before insert on roles
                when new.role not in ('member', 'chair', 'municipal_admin', 'district_admin', 'national_admin', 'partner_coordinator')
                begin select raise(abort, 'unknown roles.role'); end;

CREATE TRIGGER roles_role_update_is_known before update of role on roles
                when new.role not in ('member', 'chair', 'municipal_admin', 'district_admin', 'national_admin', 'partner_coordinator')
                begin select raise(abort, 'unknown roles.role'); end;

CREATE TRIGGER signup_statuses_no_delete before delete on signup_statuses
                  begin select raise(abort, 'status history is append-only'); end;

CREATE TRIGGER signup_statuses_no_update before update on signup_statuses
                  begin select raise(abort, 'status history is append-only'); end;

CREATE TRIGGER signups_delete_bumps_cache after delete on signups
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER signups_erased_clears_calls after update of erased_at on signups
                  when new.erased_at is not null
                  begin update calls set note = null, answers = '{}'
                        where target_id in (select id from call_targets
                                            where signup_id = new.id); end;

CREATE TRIGGER signups_insert_bumps_cache after insert on signups
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER signups_original_recruiter after insert on signups
                  when new.original_recruiter_id is null and new.recruiter_id is not null
                  begin update signups set original_recruiter_id = new.recruiter_id
                    where id = new.id; end;

CREATE TRIGGER signups_reference after insert on signups
                  when new.reference is null
                  begin update signups set reference =
                    'V-' || substr(new.created_at, 1, 4) || '-' || printf('%06d', new.id)
                    where id = new.id; end;

CREATE TRIGGER signups_source_insert_is_known before insert on signups
                    when new.source not in ('link', 'on_the_spot', 'own_initiative')
                    begin select raise(abort, 'unknown signups.source'); end;

CREATE TRIGGER signups_source_update_is_known before update of source on signups
                    when new.source not in ('link', 'on_the_spot', 'own_initiative')
                    begin select raise(abort, 'unknown signups.source'); end;

CREATE TRIGGER signups_status_insert_is_known before insert on signups
                    when new.status not in ('registered', 'invoiced', 'paid', 'unpaid_after_reminder', 'cancelled', 'resigned')
                    begin select raise(abort, 'unknown signups.status'); end;

CREATE TRIGGER signups_status_update_is_known before update of status on signups
                    when new.status not in ('registered', 'invoiced', 'paid', 'unpaid_after_reminder', 'cancelled', 'resigned')
                    begin select raise(abort, 'unknown signups.status'); end;

CREATE TRIGGER signups_update_bumps_cache after update on signups
        begin update cache_generation set generation = generation + 1 where id = 1; end;

CREATE TRIGGER surveys_kind_is_known before insert on surveys
                  when new.kind not in ('pulse', 'evaluation')
                  begin select raise(abort, 'unknown surveys.kind'); end;
