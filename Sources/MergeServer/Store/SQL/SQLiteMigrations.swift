import Foundation
import GRDB

/// The SQLite schema, one migration per version (GRDB records which ran). Each has its
/// twin in `PostgresMigrations`: a change to the schema is made in both.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: assets, jobs, videos") { db in
            try db.execute(
                sql: """
                    CREATE TABLE assets (
                        id TEXT PRIMARY KEY,
                        sha256 TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        size_bytes INTEGER NOT NULL,
                        content_type TEXT,
                        filename TEXT,
                        path TEXT NOT NULL,
                        media TEXT NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE jobs (
                        id TEXT PRIMARY KEY,
                        kind TEXT NOT NULL,
                        status TEXT NOT NULL,
                        request TEXT NOT NULL,
                        request_sha256 TEXT NOT NULL,
                        idempotency_key TEXT UNIQUE,
                        progress REAL NOT NULL DEFAULT 0,
                        stage TEXT,
                        eta_seconds REAL,
                        error TEXT,
                        result TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        max_attempts INTEGER NOT NULL,
                        run_after REAL NOT NULL,
                        lease_owner TEXT,
                        lease_expires_at REAL,
                        cancel_requested INTEGER NOT NULL DEFAULT 0,
                        created_at REAL NOT NULL,
                        started_at REAL,
                        finished_at REAL,
                        expires_at REAL
                    );
                    CREATE INDEX jobs_by_queue ON jobs (status, run_after, created_at);
                    CREATE INDEX jobs_by_creation ON jobs (created_at, id);
                    CREATE INDEX jobs_by_expiry ON jobs (expires_at) WHERE expires_at IS NOT NULL;
                    CREATE TABLE videos (
                        id TEXT PRIMARY KEY,
                        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                        path TEXT NOT NULL,
                        size_bytes INTEGER NOT NULL,
                        info TEXT NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE INDEX videos_by_job ON videos (job_id);
                    """)
        }
        migrator.registerMigration("v2: generation costs and caches") { db in
            try db.execute(
                sql: """
                    CREATE TABLE costs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        job_id TEXT NOT NULL,
                        model TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        estimated_usd REAL NOT NULL,
                        actual_usd REAL,
                        is_mock INTEGER NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE INDEX costs_by_job ON costs (job_id);
                    CREATE INDEX costs_by_time ON costs (created_at);
                    CREATE TABLE provider_uploads (
                        provider TEXT NOT NULL,
                        sha256 TEXT NOT NULL,
                        url TEXT NOT NULL,
                        expires_at REAL NOT NULL,
                        PRIMARY KEY (provider, sha256)
                    );
                    CREATE TABLE job_checkpoints (
                        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                        key TEXT NOT NULL,
                        value TEXT NOT NULL,
                        PRIMARY KEY (job_id, key)
                    );
                    CREATE TABLE scene_plans (
                        key TEXT PRIMARY KEY,
                        scenes TEXT NOT NULL,
                        tokens INTEGER,
                        is_mock INTEGER NOT NULL,
                        created_at REAL NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3: attempt tokens, crash counts, asset use") { db in
            // attempt_token fences every write of a running attempt (see JobRepository);
            // crash_count marks a job found running when its process died (recoverInterrupted);
            // last_used_at lets unreferenced assets be collected after their retention.
            try db.execute(
                sql: """
                    ALTER TABLE jobs ADD COLUMN attempt_token TEXT;
                    ALTER TABLE jobs ADD COLUMN crash_count INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE assets ADD COLUMN last_used_at REAL;
                    UPDATE assets SET last_used_at = created_at;
                    -- Every claim asks whether a suspect waits or runs: a small index, not a scan.
                    CREATE INDEX jobs_suspects ON jobs (status) WHERE crash_count > 0;
                    """)
        }
        migrator.registerMigration("v4: api keys") { db in
            // Only a peppered hash of each key is kept; `prefix` finds the row to compare.
            // The limit columns are stored now and enforced by the quota work of issue 13.
            try db.execute(
                sql: """
                    CREATE TABLE api_keys (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        prefix TEXT NOT NULL,
                        hash TEXT NOT NULL,
                        scopes TEXT NOT NULL,
                        budget_usd REAL,
                        daily_budget_usd REAL,
                        rate_per_minute INTEGER,
                        max_concurrent INTEGER,
                        storage_bytes INTEGER,
                        created_at REAL NOT NULL,
                        revoked_at REAL
                    );
                    CREATE INDEX api_keys_by_prefix ON api_keys (prefix);
                    """)
        }
        migrator.registerMigration("v5: job owners") { db in
            // The key that made each job; NULL for jobs made while the server had no keys
            // (only an admin key sees those). Listings filter by it.
            try db.execute(
                sql: """
                    ALTER TABLE jobs ADD COLUMN owner_key_id TEXT;
                    CREATE INDEX jobs_by_owner ON jobs (owner_key_id, created_at, id);
                    """)
        }
        migrator.registerMigration("v6: cost owners") { db in
            // Cost rows outlive their jobs (retention), so each keeps the key it is charged
            // to: `/api/costs` per key now, per-key budgets later.
            try db.execute(
                sql: """
                    ALTER TABLE costs ADD COLUMN owner_key_id TEXT;
                    UPDATE costs SET owner_key_id = (SELECT owner_key_id FROM jobs WHERE jobs.id = costs.job_id);
                    CREATE INDEX costs_by_owner ON costs (owner_key_id, created_at);
                    """)
        }
        migrator.registerMigration("v7: audit log") { db in
            // Append-only: the triggers refuse any change to a written row.
            try db.execute(
                sql: """
                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        actor_key_id TEXT,
                        via TEXT NOT NULL,
                        action TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        request_id TEXT
                    );
                    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    """)
        }
        migrator.registerMigration("v8: asset owners") { db in
            // Each key gets its own asset row for the bytes it uploads: one row per (owner,
            // content), no longer one per content. Rows of several keys may name the same
            // file on disk (the bytes are stored once), which no caller can observe. SQLite
            // cannot drop the old UNIQUE on sha256, so the table is rebuilt.
            try db.execute(
                sql: """
                    CREATE TABLE assets_by_owner (
                        id TEXT PRIMARY KEY,
                        sha256 TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        size_bytes INTEGER NOT NULL,
                        content_type TEXT,
                        filename TEXT,
                        path TEXT NOT NULL,
                        media TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        last_used_at REAL,
                        owner_key_id TEXT
                    );
                    INSERT INTO assets_by_owner
                        SELECT id, sha256, kind, size_bytes, content_type, filename, path, media, created_at, last_used_at, NULL
                        FROM assets;
                    DROP TABLE assets;
                    ALTER TABLE assets_by_owner RENAME TO assets;
                    CREATE UNIQUE INDEX assets_by_owner_content ON assets (IFNULL(owner_key_id, ''), sha256);
                    CREATE INDEX assets_by_content ON assets (sha256);
                    CREATE INDEX assets_by_path ON assets (path);
                    CREATE INDEX assets_by_owner_size ON assets (owner_key_id, size_bytes);
                    """)
        }
        migrator.registerMigration("v9: quotas") { db in
            // Quotas read these on every claim and every generation POST, so none scans a table:
            // a key's running and queued jobs (max_concurrent, fair claims, reserved spend) and
            // the spend already charged per key and per day (budgets), read from the index alone.
            // The new cost indexes start with the columns of costs_by_owner and costs_by_time,
            // which they replace.
            try db.execute(
                sql: """
                    CREATE INDEX jobs_by_status_owner ON jobs (status, owner_key_id);
                    CREATE INDEX costs_spend_by_owner ON costs (owner_key_id, created_at, actual_usd);
                    CREATE INDEX costs_spend_by_time ON costs (created_at, actual_usd);
                    DROP INDEX costs_by_owner;
                    DROP INDEX costs_by_time;
                    """)
        }
        migrator.registerMigration("v10: webhook deliveries") { db in
            // A job's `callback_url`; each key's webhook signing secret (kept readable: the
            // server signs with it) and, for a day after a rotation, the one before it; the
            // outbox of deliveries, one row per job end, queued in the transaction that ends the
            // job; and every attempt made to deliver one.
            try db.execute(
                sql: """
                    ALTER TABLE jobs ADD COLUMN callback_url TEXT;
                    ALTER TABLE api_keys ADD COLUMN webhook_secret TEXT;
                    ALTER TABLE api_keys ADD COLUMN previous_webhook_secret TEXT;
                    ALTER TABLE api_keys ADD COLUMN previous_webhook_secret_until REAL;
                    CREATE TABLE webhook_deliveries (
                        id TEXT PRIMARY KEY,
                        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                        owner_key_id TEXT,
                        url TEXT NOT NULL,
                        job_status TEXT NOT NULL,
                        body TEXT NOT NULL,
                        status TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        created_at REAL NOT NULL,
                        next_attempt_at REAL,
                        first_attempt_at REAL,
                        finished_at REAL
                    );
                    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
                    CREATE INDEX webhook_deliveries_by_job ON webhook_deliveries (job_id, created_at);
                    CREATE TABLE webhook_attempts (
                        delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
                        number INTEGER NOT NULL,
                        at REAL NOT NULL,
                        duration_seconds REAL NOT NULL,
                        status_code INTEGER,
                        error TEXT,
                        outcome TEXT NOT NULL,
                        PRIMARY KEY (delivery_id, number)
                    );
                    """)
            // Keys made before this version get a secret too; their holders learn it by rotating it.
            for id in try String.fetchAll(db, sql: "SELECT id FROM api_keys") {
                try db.execute(sql: "UPDATE api_keys SET webhook_secret = ? WHERE id = ?", arguments: [WebhookSecret.make(), id])
            }
        }
        migrator.registerMigration("v11: job chunks") { db in
            // A chunked render's child jobs (`render_chunk`) name their parent: they are listed,
            // canceled and deleted with it, and do not count against a key's max_concurrent.
            try db.execute(
                sql: """
                    ALTER TABLE jobs ADD COLUMN parent_id TEXT REFERENCES jobs(id) ON DELETE CASCADE;
                    CREATE INDEX jobs_by_parent ON jobs (parent_id) WHERE parent_id IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v12: workers seen") { db in
            try db.execute(
                sql: """
                    CREATE TABLE workers (
                        id TEXT PRIMARY KEY,
                        host TEXT NOT NULL,
                        pid INTEGER NOT NULL,
                        kinds TEXT NOT NULL,
                        concurrency INTEGER NOT NULL,
                        busy INTEGER NOT NULL,
                        started_at REAL NOT NULL,
                        seen_at REAL NOT NULL
                    );
                    """)
        }
        // Used only on PostgreSQL (a server alone on SQLite keeps its buckets in memory);
        // made here too so both stores have the same tables.
        migrator.registerMigration("v13: shared rate buckets") { db in
            try db.execute(
                sql: """
                    CREATE TABLE rate_buckets (
                        key_id TEXT PRIMARY KEY,
                        capacity INTEGER NOT NULL,
                        tokens REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        allowed INTEGER NOT NULL
                    );
                    """)
        }
        return migrator
    }
}
