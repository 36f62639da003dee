import GRDB

/// Append-only, named migrations. A shipped migration is never edited: add a new one.
/// Timestamps are INTEGER Unix seconds.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core", migrate: v1Core)
        migrator.registerMigration("v2-moderation", migrate: v2Moderation)
        migrator.registerMigration("v3-harvest", migrate: v3Harvest)
        migrator.registerMigration("v4-username-skeleton", migrate: v4UsernameSkeleton)
        migrator.registerMigration("v5-abuse-limits", migrate: v5AbuseLimits)
        migrator.registerMigration("v6-title-line-breaks", migrate: v6TitleLineBreaks)
        migrator.registerMigration("v7-post-stakeholder", migrate: v7PostStakeholder)
        migrator.registerMigration("v8-session-devices", migrate: v8SessionDevices)
        migrator.registerMigration("v9-two-factor", migrate: v9TwoFactor)
        migrator.registerMigration("v10-account-closing", migrate: v10AccountClosing)
        migrator.registerMigration("v11-notifications", migrate: v11Notifications)
        migrator.registerMigration("v12-email", migrate: v12Email)
        migrator.registerMigration("v13-board-phases", migrate: v13BoardPhases)
        migrator.registerMigration("v14-departments", migrate: v14Departments)
        migrator.registerMigration("v15-conclusions", migrate: v15Conclusions)
        migrator.registerMigration("v16-harvest-counts", migrate: v16HarvestCounts)
        migrator.registerMigration("v17-harvest-overview", migrate: v17HarvestOverview)
        return migrator
    }

    private static func v1Core(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE server_key (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                key BLOB NOT NULL CHECK (length(key) = 32)
            );

            CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                username TEXT NOT NULL CHECK (length(username) BETWEEN 3 AND 30),
                username_key TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
                role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'committee', 'admin')),
                stakeholder TEXT NOT NULL CHECK (stakeholder IN ('government', 'private-sector', 'civil-society',
                    'academia', 'technical-community', 'international-organization', 'individual')),
                language TEXT CHECK (language IN ('es', 'en')),
                created_at INTEGER NOT NULL
            );

            CREATE TABLE sessions (
                token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX sessions_by_user ON sessions(user_id);

            CREATE TABLE boards (
                id INTEGER PRIMARY KEY,
                slug TEXT NOT NULL UNIQUE CHECK (slug GLOB '[a-z0-9]*' AND slug NOT GLOB '*[^a-z0-9-]*'),
                title_es TEXT NOT NULL CHECK (length(title_es) > 0),
                title_en TEXT NOT NULL CHECK (length(title_en) > 0),
                position INTEGER NOT NULL,
                archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
                thread_count INTEGER NOT NULL DEFAULT 0 CHECK (thread_count >= 0),
                post_count INTEGER NOT NULL DEFAULT 0 CHECK (post_count >= 0),
                last_post_at INTEGER
            );

            CREATE TABLE threads (
                id INTEGER PRIMARY KEY,
                board_id INTEGER NOT NULL REFERENCES boards(id),
                author_id INTEGER NOT NULL REFERENCES users(id),
                title TEXT NOT NULL CHECK (length(title) BETWEEN 5 AND 150),
                created_at INTEGER NOT NULL,
                last_post_at INTEGER NOT NULL,
                last_post_id INTEGER NOT NULL DEFAULT 0,
                reply_count INTEGER NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
                pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
                locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1))
            );
            -- A board page in one index walk: pinned first, then most recently bumped.
            CREATE INDEX threads_by_board_activity ON threads(board_id, pinned DESC, last_post_id DESC);

            CREATE TABLE posts (
                id INTEGER PRIMARY KEY,
                thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
                parent_id INTEGER REFERENCES posts(id),
                author_id INTEGER NOT NULL REFERENCES users(id),
                body_markdown TEXT NOT NULL,
                body_html TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                edited_at INTEGER,
                deleted_at INTEGER,
                CHECK (parent_id IS NULL OR parent_id < id)
            );
            CREATE INDEX posts_by_thread ON posts(thread_id, id);
            CREATE INDEX posts_by_author ON posts(author_id, id);
            -- Exactly one opening post per thread.
            CREATE UNIQUE INDEX posts_opening ON posts(thread_id) WHERE parent_id IS NULL;

            CREATE TABLE post_revisions (
                id INTEGER PRIMARY KEY,
                post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
                body_markdown TEXT NOT NULL,
                body_html TEXT NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX post_revisions_by_post ON post_revisions(post_id, id);

            -- Full-text search; rowid = posts.id. Accents folded so "proteccion" finds "protección".
            CREATE VIRTUAL TABLE post_search USING fts5(
                title, body, tokenize = 'unicode61 remove_diacritics 2'
            );
            """)
    }

    private static func v2Moderation(_ db: Database) throws {
        try db.execute(sql: """
            -- A suspension lasts until suspended_until; 'until lifted' is stored as year 9999.
            ALTER TABLE users ADD COLUMN suspended_until INTEGER;
            ALTER TABLE users ADD COLUMN suspension_reason TEXT;

            -- held: awaiting approval, not yet counted anywhere. hidden_at: hidden by a moderator or by flags.
            ALTER TABLE posts ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1));
            ALTER TABLE posts ADD COLUMN hidden_at INTEGER;
            CREATE INDEX posts_held ON posts(id) WHERE held = 1;

            -- A thread is listed on its board while its opening post is published and not hidden.
            ALTER TABLE threads ADD COLUMN listed INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0, 1));

            CREATE TABLE flags (
                id INTEGER PRIMARY KEY,
                post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                reason TEXT NOT NULL CHECK (reason IN ('spam', 'abuse', 'off-topic', 'other')),
                note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 500),
                created_at INTEGER NOT NULL,
                resolved_at INTEGER,
                UNIQUE (post_id, user_id)
            );
            CREATE INDEX flags_open ON flags(post_id) WHERE resolved_at IS NULL;

            CREATE TABLE watched_words (
                id INTEGER PRIMARY KEY,
                phrase TEXT NOT NULL UNIQUE CHECK (length(phrase) BETWEEN 1 AND 100),
                response TEXT NOT NULL CHECK (response IN ('block', 'hold')),
                created_at INTEGER NOT NULL
            );

            -- Public: every action staff take, and every post the forum hid by itself (actor_id NULL).
            CREATE TABLE moderation_log (
                id INTEGER PRIMARY KEY,
                created_at INTEGER NOT NULL,
                actor_id INTEGER REFERENCES users(id),
                action TEXT NOT NULL,
                target_kind TEXT NOT NULL CHECK (target_kind IN ('post', 'thread', 'user', 'board', 'word')),
                target_id INTEGER NOT NULL,
                detail TEXT NOT NULL DEFAULT '',
                reason TEXT NOT NULL CHECK (length(reason) > 0)
            );
            """)
    }

    private static func v3Harvest(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE threads ADD COLUMN proposal INTEGER NOT NULL DEFAULT 0 CHECK (proposal IN (0, 1));
            ALTER TABLE threads ADD COLUMN endorsement_count INTEGER NOT NULL DEFAULT 0 CHECK (endorsement_count >= 0);

            -- One per member per proposal; the member's group is kept as it was when they endorsed.
            CREATE TABLE endorsements (
                thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                stakeholder TEXT NOT NULL CHECK (stakeholder IN ('government', 'private-sector', 'civil-society',
                    'academia', 'technical-community', 'international-organization', 'individual')),
                created_at INTEGER NOT NULL,
                PRIMARY KEY (thread_id, user_id)
            ) WITHOUT ROWID;

            -- A moderator's or committee member's synthesis of a thread.
            CREATE TABLE summaries (
                thread_id INTEGER PRIMARY KEY REFERENCES threads(id) ON DELETE CASCADE,
                body_markdown TEXT NOT NULL CHECK (length(body_markdown) BETWEEN 1 AND 5000),
                body_html TEXT NOT NULL,
                author_id INTEGER NOT NULL REFERENCES users(id),
                updated_at INTEGER NOT NULL
            );
            """)
    }

    /// What each name looks like (`UsernameSkeleton`), so look-alikes of a taken name are taken.
    /// Not UNIQUE: accounts made before it may share one, and they keep their names. Swift
    /// computes the values, so `AppDatabase` fills the column when it opens
    /// (`fillUsernameSkeletons`); a migration uses SQL only.
    private static func v4UsernameSkeleton(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE users ADD COLUMN name_skeleton TEXT;
            CREATE INDEX users_by_name_skeleton ON users(name_skeleton);
            """)
    }

    private static func v5AbuseLimits(_ db: Database) throws {
        try db.execute(sql: """
            -- Set while a post is hidden by flags rather than by a moderator: any moderator may undo it.
            ALTER TABLE posts ADD COLUMN hidden_automatically INTEGER NOT NULL DEFAULT 0 CHECK (hidden_automatically IN (0, 1));

            -- Long-window rate limits per account (threads, flags, edits a day), kept here so a
            -- restart or a flood of other keys does not reset them. One row per account, quota
            -- and window; earlier windows are deleted as a new one starts.
            CREATE TABLE account_quotas (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                quota TEXT NOT NULL CHECK (quota IN ('threads', 'flags', 'edits')),
                window_start INTEGER NOT NULL,
                count INTEGER NOT NULL CHECK (count >= 1),
                PRIMARY KEY (user_id, quota, window_start)
            ) WITHOUT ROWID;
            """)
    }

    /// Titles were trimmed only at their ends, so a thread or board title could hold LF, a lone
    /// CR, U+2028 and other control characters, which start new lines in the Markdown report.
    /// `Rules.breaksLines` refuses them now; here the rows made before become one line, each
    /// such character a space (the same length, so the CHECKs still hold). The search index
    /// keeps its own copy of a thread's title on the opening post's row, so it is cleaned too,
    /// first, while the threads still tell which titles change. One character per statement:
    /// 67 nested replace() calls overflow SQLite's parser stack.
    private static func v6TitleLineBreaks(_ db: Database) throws {
        // General categories Cc (U+0000–001F, U+007F–009F), Zl (U+2028) and Zp (U+2029).
        let codePoints = Array(0x00...0x1F) + Array(0x7F...0x9F) + [0x2028, 0x2029]
        for codePoint in codePoints {
            try db.execute(sql: """
                UPDATE post_search SET title = replace(title, char(?1), ' ') WHERE rowid IN (
                    SELECT p.id FROM threads t JOIN posts p ON p.thread_id = t.id AND p.parent_id IS NULL
                    WHERE instr(t.title, char(?1)) > 0)
                """, arguments: [codePoint])
            try db.execute(sql: "UPDATE threads SET title = replace(title, char(?1), ' ') WHERE instr(title, char(?1)) > 0",
                           arguments: [codePoint])
            try db.execute(sql: """
                UPDATE boards SET title_es = replace(title_es, char(?1), ' '), title_en = replace(title_en, char(?1), ' ')
                WHERE instr(title_es, char(?1)) > 0 OR instr(title_en, char(?1)) > 0
                """, arguments: [codePoint])
        }
    }

    /// Each post keeps the stakeholder group its author had when writing it, as endorsements
    /// do: the harvest counts participation by group, and a later change of group (or a
    /// suspended member's) must not relabel what was said before.
    private static func v7PostStakeholder(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE posts ADD COLUMN stakeholder TEXT CHECK (stakeholder IS NULL OR stakeholder IN ('government',
                'private-sector', 'civil-society', 'academia', 'technical-community', 'international-organization', 'individual'));
            UPDATE posts SET stakeholder = (SELECT stakeholder FROM users WHERE users.id = posts.author_id);
            """)
    }

    /// A member sees and ends their own sessions (`/settings/sessions`): each gets an id the page
    /// can name (the token's hash never leaves the server) and the browser it started in.
    /// Sessions are rebuilt, not altered, because the id is the table's key.
    private static func v8SessionDevices(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE sessions_v8 (
                id INTEGER PRIMARY KEY,
                token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL,
                user_agent TEXT NOT NULL DEFAULT '' CHECK (length(user_agent) <= 256)
            );
            INSERT INTO sessions_v8 (token_hash, user_id, created_at, last_seen_at)
                SELECT token_hash, user_id, created_at, last_seen_at FROM sessions ORDER BY created_at;
            DROP TABLE sessions;
            ALTER TABLE sessions_v8 RENAME TO sessions;
            CREATE INDEX sessions_by_user ON sessions(user_id);
            """)
    }

    /// Two-factor sign-in (TOTP, RFC 6238). `two_factor` holds one secret per member, pending
    /// (`enabled_at` NULL) until a correct code confirms it; `last_step` is the time step of the
    /// last code accepted, so a code works once; `failed_attempts` since `failing_since` limit
    /// guesses per account, whoever makes them. Recovery codes are kept as SHA-256 digests.
    /// A sign-in challenge is the half-signed-in state between the password and the code: it
    /// names who is signing in and grants nothing else.
    private static func v9TwoFactor(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE two_factor (
                user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                secret TEXT NOT NULL CHECK (length(secret) = 20),
                created_at INTEGER NOT NULL,
                enabled_at INTEGER,
                last_step INTEGER NOT NULL DEFAULT 0,
                failed_attempts INTEGER NOT NULL DEFAULT 0,
                failing_since INTEGER
            );
            CREATE TABLE recovery_codes (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                code_hash BLOB NOT NULL CHECK (length(code_hash) = 32),
                used_at INTEGER,
                PRIMARY KEY (user_id, code_hash)
            ) WITHOUT ROWID;
            CREATE TABLE sign_in_challenges (
                token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX sign_in_challenges_by_user ON sign_in_challenges(user_id);
            """)
    }

    /// A member closes their own account (`/settings/delete`): the row stays, so the username
    /// stays taken and their posts keep an author, but it signs nobody in and holds no role.
    /// The CHECK keeps a closed account from ever counting as staff (or as the last admin).
    private static func v10AccountClosing(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE users ADD COLUMN closed_at INTEGER CHECK (closed_at IS NULL OR role = 'member');
            """)
    }

    /// Notifications, watching and requests for review (issue 17). A notification is written in
    /// the transaction of what caused it. `notifications_unread` is all the header's count reads
    /// (a correlated subquery in the session's read); `notifications_by_user` walks a member's
    /// list newest first; `notifications_by_post` finds what to forget when a post stops being
    /// visible. A batched kind (new posts in a watched thread, endorsements) keeps one unread
    /// row per thread and counts in `count`.
    /// `posts.announced` is 0 while a post held for review has not yet been announced to its
    /// readers: approval announces it once, and an edit sent back for review is not announced again.
    /// Watching: no row is `normal`, except where the member chose it (so replying does not watch
    /// again a thread they set back to normal).
    private static func v11Notifications(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE notifications (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('reply', 'thread_reply', 'mention', 'watched_post', 'new_thread', 'post_hidden',
                    'post_restored', 'post_held', 'post_approved', 'thread_locked', 'thread_moved', 'endorsements', 'summary',
                    'appeal_upheld', 'appeal_dismissed')),
                thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
                post_id INTEGER REFERENCES posts(id) ON DELETE CASCADE,
                board_id INTEGER REFERENCES boards(id),
                actor_id INTEGER REFERENCES users(id),
                reason TEXT CHECK (reason IS NULL OR length(reason) <= 500),
                count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1),
                created_at INTEGER NOT NULL,
                read_at INTEGER
            );
            CREATE INDEX notifications_unread ON notifications(user_id, thread_id) WHERE read_at IS NULL;
            CREATE INDEX notifications_by_user ON notifications(user_id);
            CREATE INDEX notifications_by_post ON notifications(post_id) WHERE post_id IS NOT NULL;

            ALTER TABLE posts ADD COLUMN announced INTEGER NOT NULL DEFAULT 1 CHECK (announced IN (0, 1));
            UPDATE posts SET announced = 0 WHERE held = 1;

            ALTER TABLE users ADD COLUMN watch_participation INTEGER NOT NULL DEFAULT 1 CHECK (watch_participation IN (0, 1));
            CREATE TABLE thread_watches (
                thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                level TEXT NOT NULL CHECK (level IN ('watching', 'normal', 'muted')),
                created_at INTEGER NOT NULL,
                PRIMARY KEY (thread_id, user_id)
            ) WITHOUT ROWID;
            CREATE INDEX thread_watches_by_user ON thread_watches(user_id);
            CREATE TABLE board_watches (
                board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                level TEXT NOT NULL CHECK (level IN ('watching', 'normal', 'muted')),
                created_at INTEGER NOT NULL,
                PRIMARY KEY (board_id, user_id)
            ) WITHOUT ROWID;
            CREATE INDEX board_watches_by_user ON board_watches(user_id);

            -- One request per post, by its author, while it is hidden; the decision is in the public log.
            CREATE TABLE appeals (
                post_id INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
                created_at INTEGER NOT NULL,
                outcome TEXT CHECK (outcome IN ('upheld', 'dismissed')),
                resolved_at INTEGER,
                CHECK ((outcome IS NULL) = (resolved_at IS NULL))
            );
            CREATE INDEX appeals_open ON appeals(post_id) WHERE resolved_at IS NULL;
            CREATE INDEX appeals_by_user ON appeals(user_id);
            """)
    }

    /// E-mail, optional per member. `member_email` holds the confirmed address (its lower-cased
    /// `address_key` is unique: one account per mailbox, and `/password/forgot` finds it) and the
    /// choice of notification mail. An address waits for confirmation in `email_tokens`, beside the
    /// reset links: single-use tokens of which only the SHA-256 is kept. `mail_outbox` is written in
    /// the transaction of the mail's cause and emptied by one delivery worker: `claimed_until`
    /// holds a mail while a worker sends it; once sent, failed or skipped (`outcome`), its address
    /// and payload are erased, and the row goes a week later. Kinds name what the worker composes:
    /// the notification and digest kinds are there for notification mail.
    private static func v12Email(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE member_email (
                user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                address TEXT CHECK (address IS NULL OR length(address) BETWEEN 3 AND 254),
                address_key TEXT UNIQUE CHECK ((address_key IS NULL) = (address IS NULL)),
                confirmed_at INTEGER CHECK ((confirmed_at IS NULL) = (address IS NULL)),
                mail_notifications TEXT NOT NULL DEFAULT 'each' CHECK (mail_notifications IN ('none', 'each', 'daily'))
            );
            CREATE TABLE email_tokens (
                token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'reset')),
                address TEXT CHECK ((address IS NOT NULL) = (purpose = 'confirm') AND length(address) BETWEEN 3 AND 254),
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX email_tokens_by_user ON email_tokens(user_id, purpose);
            CREATE TABLE mail_outbox (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('confirm', 'reset', 'notification', 'digest')),
                recipient TEXT CHECK (recipient IS NULL OR length(recipient) BETWEEN 3 AND 254),
                language TEXT NOT NULL CHECK (language IN ('es', 'en')),
                payload TEXT NOT NULL DEFAULT '',
                created_at INTEGER NOT NULL,
                due_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                claimed_until INTEGER,
                last_error TEXT CHECK (last_error IS NULL OR length(last_error) <= 300),
                outcome TEXT CHECK (outcome IN ('sent', 'failed', 'skipped')),
                finished_at INTEGER CHECK ((finished_at IS NULL) = (outcome IS NULL)),
                CHECK (outcome IS NULL OR (recipient IS NULL AND payload = '')),
                CHECK (outcome IS NOT NULL OR recipient IS NOT NULL)
            );
            CREATE INDEX mail_outbox_pending ON mail_outbox(due_at, id) WHERE outcome IS NULL;
            CREATE INDEX mail_outbox_by_user ON mail_outbox(user_id);
            CREATE INDEX mail_outbox_finished ON mail_outbox(finished_at) WHERE outcome IS NOT NULL;
            """)
    }

    /// Each board's dates (unix seconds; NULL: no bound) and its live panel, all optional. The
    /// lengths match `BoardPanel`'s; a stream address is http(s) only, as the form checks.
    private static func v13BoardPhases(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE boards ADD COLUMN opens_at INTEGER;
            ALTER TABLE boards ADD COLUMN closes_at INTEGER CHECK (closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at);
            ALTER TABLE boards ADD COLUMN panel_starts_at INTEGER;
            ALTER TABLE boards ADD COLUMN panel_ends_at INTEGER
                CHECK (panel_ends_at IS NULL OR (panel_starts_at IS NOT NULL AND panel_ends_at > panel_starts_at));
            ALTER TABLE boards ADD COLUMN panel_place TEXT NOT NULL DEFAULT '' CHECK (length(panel_place) <= 200);
            ALTER TABLE boards ADD COLUMN panel_moderators TEXT NOT NULL DEFAULT '' CHECK (length(panel_moderators) <= 1000);
            ALTER TABLE boards ADD COLUMN panel_panelists TEXT NOT NULL DEFAULT '' CHECK (length(panel_panelists) <= 1000);
            ALTER TABLE boards ADD COLUMN panel_stream_url TEXT NOT NULL DEFAULT ''
                CHECK (length(panel_stream_url) <= 500 AND (panel_stream_url = '' OR panel_stream_url LIKE 'http://%'
                       OR panel_stream_url LIKE 'https://%'));
            """)
    }

    /// Where a member takes part from, optional (NULL: never answered), and whether their profile
    /// shows it (off until they turn it on). The harvest counts departments only in aggregate.
    private static func v14Departments(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE users ADD COLUMN department TEXT CHECK (department IS NULL OR department IN ('alta-verapaz', 'baja-verapaz',
                'chimaltenango', 'chiquimula', 'el-progreso', 'escuintla', 'guatemala', 'huehuetenango', 'izabal', 'jalapa', 'jutiapa',
                'peten', 'quetzaltenango', 'quiche', 'retalhuleu', 'sacatepequez', 'san-marcos', 'santa-rosa', 'solola', 'suchitepequez',
                'totonicapan', 'zacapa', 'outside-guatemala', 'not-said'));
            ALTER TABLE users ADD COLUMN show_department INTEGER NOT NULL DEFAULT 0 CHECK (show_department IN (0, 1));
            """)
    }

    /// The committee's conclusions and recommendations per board (issue 18). Every save is a
    /// row: the versions are the history, the newest published one is what everyone reads.
    private static func v15Conclusions(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE board_conclusions (
                id INTEGER PRIMARY KEY,
                board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
                conclusions_markdown TEXT NOT NULL CHECK (length(conclusions_markdown) <= 10000),
                conclusions_html TEXT NOT NULL,
                recommendations_markdown TEXT NOT NULL CHECK (length(recommendations_markdown) <= 10000),
                recommendations_html TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
                author_id INTEGER NOT NULL REFERENCES users(id),
                created_at INTEGER NOT NULL
            );
            CREATE INDEX board_conclusions_by_board ON board_conclusions(board_id, status, id);
            """)
    }

    /// The harvest's counts, kept current by every write that changes them (issue 20,
    /// `HarvestChange`) so a committee view after a write reads a few small tables instead of every
    /// post. Board 0 is the whole forum in `harvest_members`, `harvest_group_members`,
    /// `harvest_groups` and `harvest_departments`. Rows whose count drops to zero are deleted.
    /// Counts have no CHECK (≥ 0): a change is an upsert whose proposed row carries the change,
    /// negative when posts are taken away, and SQLite checks that row before finding the one it
    /// updates. The store contract compares the counts with a recount instead. Filled here from
    /// the posts there are.
    private static func v16HarvestCounts(_ db: Database) throws {
        try db.execute(sql: """
            -- Listed threads with a visible post: their replies and distinct authors.
            CREATE TABLE harvest_threads (
                thread_id INTEGER PRIMARY KEY REFERENCES threads(id) ON DELETE CASCADE,
                posts INTEGER NOT NULL,
                replies INTEGER NOT NULL,
                participants INTEGER NOT NULL
            );
            CREATE TABLE harvest_thread_members (
                thread_id INTEGER NOT NULL,
                author_id INTEGER NOT NULL,
                posts INTEGER NOT NULL,
                PRIMARY KEY (thread_id, author_id)
            ) WITHOUT ROWID;
            -- Who wrote in each board, for participation by department (the member's department now).
            CREATE TABLE harvest_members (
                board_id INTEGER NOT NULL,
                author_id INTEGER NOT NULL,
                posts INTEGER NOT NULL,
                PRIMARY KEY (board_id, author_id)
            ) WITHOUT ROWID;
            CREATE INDEX harvest_members_by_author ON harvest_members(author_id);
            -- Who wrote in each board under each group (the group a post was written as).
            CREATE TABLE harvest_group_members (
                board_id INTEGER NOT NULL,
                author_id INTEGER NOT NULL,
                stakeholder TEXT NOT NULL,
                posts INTEGER NOT NULL,
                PRIMARY KEY (board_id, author_id, stakeholder)
            ) WITHOUT ROWID;
            CREATE TABLE harvest_groups (
                board_id INTEGER NOT NULL,
                stakeholder TEXT NOT NULL,
                posters INTEGER NOT NULL,
                posts INTEGER NOT NULL,
                PRIMARY KEY (board_id, stakeholder)
            ) WITHOUT ROWID;
            CREATE TABLE harvest_departments (
                board_id INTEGER NOT NULL,
                department TEXT NOT NULL,
                participants INTEGER NOT NULL,
                PRIMARY KEY (board_id, department)
            ) WITHOUT ROWID;
            -- Posts per board and day in Guatemala (the day's start, Unix seconds).
            CREATE TABLE harvest_days (
                board_id INTEGER NOT NULL,
                day INTEGER NOT NULL,
                posts INTEGER NOT NULL,
                PRIMARY KEY (board_id, day)
            ) WITHOUT ROWID;
            -- Each board's words and two-word phrases, read most frequent first; how many boards use each.
            CREATE TABLE harvest_terms (
                board_id INTEGER NOT NULL,
                term TEXT NOT NULL,
                count INTEGER NOT NULL,
                PRIMARY KEY (board_id, term)
            ) WITHOUT ROWID;
            CREATE INDEX harvest_terms_by_count ON harvest_terms(board_id, count DESC);
            CREATE TABLE harvest_term_boards (
                term TEXT PRIMARY KEY,
                boards INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE harvest_term_totals (
                board_id INTEGER PRIMARY KEY,
                tokens INTEGER NOT NULL,
                words INTEGER NOT NULL
            );
            """)
        try HarvestTables.refill(db)
    }

    /// What the harvest page reads right after a write, without reading every thread (issue 20):
    /// each thread's endorsements per group, and its support (their total and bridging score,
    /// computed by Core's `Bridging`), kept by `toggleEndorsement`, so proposals are ranked in SQL;
    /// the threads most engaged first; and the proposals.
    private static func v17HarvestOverview(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE harvest_endorsements (
                thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
                stakeholder TEXT NOT NULL,
                endorsements INTEGER NOT NULL,
                PRIMARY KEY (thread_id, stakeholder)
            ) WITHOUT ROWID;
            CREATE TABLE harvest_support (
                thread_id INTEGER PRIMARY KEY REFERENCES threads(id) ON DELETE CASCADE,
                endorsements INTEGER NOT NULL,
                score REAL NOT NULL
            );
            CREATE INDEX harvest_threads_by_engagement ON harvest_threads(participants DESC, replies DESC);
            CREATE INDEX threads_proposals ON threads(board_id) WHERE proposal = 1;
            """)
        try HarvestTables.refillEndorsements(db)
    }
}
