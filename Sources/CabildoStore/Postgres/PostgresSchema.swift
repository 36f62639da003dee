import PostgresNIO

/// PostgreSQL's schema: the tables of `Migrations` as they stand after v1…v12 and v15, in
/// PostgreSQL's types, then full-text search. Append-only like `Migrations`: a new table or
/// column is a new migration here too, in the same change as its SQLite one (issue 19: every
/// feature lands in both stores).
///
/// Types: ids are `bigint` identity columns (BY DEFAULT, so `cabildo copy` can keep SQLite's
/// ids); dates stay Unix seconds in `bigint`, as in SQLite; SQLite's 0/1 flags are `boolean`;
/// blobs are `bytea`; every CHECK, UNIQUE and foreign key is kept. `name_skeleton` is NOT NULL
/// here: SQLite's is nullable only for accounts made before it existed, which `AppDatabase`
/// fills when it opens, before any copy.
enum PostgresSchema {
    struct Migration: Sendable {
        let identifier: String
        /// One statement each: postgres-nio sends each as one prepared statement.
        let statements: [String]
        /// Rows only Swift can compute (the harvest's terms), in the migration's transaction.
        var fill: (@Sendable (PostgresStore, PostgresConnection) async throws -> Void)? = nil
    }

    static let migrations: [Migration] = [
        Migration(identifier: "pg1-schema", statements: core + moderation + accounts + notifications + email + conclusions),
        Migration(identifier: "pg2-search", statements: search),
        Migration(identifier: "pg3-phases-departments", statements: phasesAndDepartments),
        Migration(identifier: "pg4-shared-state", statements: sharedState),
        Migration(identifier: "pg5-harvest-counts", statements: harvestCounts, fill: { try await PostgresHarvestTables.refill($0, $1) }),
        Migration(identifier: "pg6-harvest-overview", statements: harvestOverview,
                  fill: { try await PostgresHarvestTables.refillEndorsements($0, $1) }),
    ]

    /// SQLite's v17-harvest-overview: each thread's endorsements per group and its support, kept
    /// by `toggleEndorsement`, the threads most engaged first, and the proposals, for the harvest page.
    private static let harvestOverview = [
        """
        CREATE TABLE harvest_endorsements (
            thread_id bigint NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
            stakeholder text NOT NULL,
            endorsements bigint NOT NULL,
            PRIMARY KEY (thread_id, stakeholder)
        )
        """,
        """
        CREATE TABLE harvest_support (
            thread_id bigint PRIMARY KEY REFERENCES threads(id) ON DELETE CASCADE,
            endorsements bigint NOT NULL,
            score double precision NOT NULL
        )
        """,
        "CREATE INDEX harvest_threads_by_engagement ON harvest_threads (participants DESC, replies DESC)",
        "CREATE INDEX threads_proposals ON threads (board_id) WHERE proposal",
    ]

    /// SQLite's v16-harvest-counts: the harvest's counts, kept current by every write
    /// (`PostgresHarvestChange`). Board 0 is the whole forum where members are counted. Terms
    /// sort by their bytes (COLLATE "C"), as SQLite's and Core's ranking do. No CHECK (≥ 0) on
    /// the counts, for the reason given there.
    private static let harvestCounts = [
        """
        CREATE TABLE harvest_threads (
            thread_id bigint PRIMARY KEY REFERENCES threads(id) ON DELETE CASCADE,
            posts bigint NOT NULL,
            replies bigint NOT NULL,
            participants bigint NOT NULL
        )
        """,
        """
        CREATE TABLE harvest_thread_members (
            thread_id bigint NOT NULL,
            author_id bigint NOT NULL,
            posts bigint NOT NULL,
            PRIMARY KEY (thread_id, author_id)
        )
        """,
        """
        CREATE TABLE harvest_members (
            board_id bigint NOT NULL,
            author_id bigint NOT NULL,
            posts bigint NOT NULL,
            PRIMARY KEY (board_id, author_id)
        )
        """,
        "CREATE INDEX harvest_members_by_author ON harvest_members (author_id)",
        """
        CREATE TABLE harvest_group_members (
            board_id bigint NOT NULL,
            author_id bigint NOT NULL,
            stakeholder text NOT NULL,
            posts bigint NOT NULL,
            PRIMARY KEY (board_id, author_id, stakeholder)
        )
        """,
        """
        CREATE TABLE harvest_groups (
            board_id bigint NOT NULL,
            stakeholder text NOT NULL,
            posters bigint NOT NULL,
            posts bigint NOT NULL,
            PRIMARY KEY (board_id, stakeholder)
        )
        """,
        """
        CREATE TABLE harvest_departments (
            board_id bigint NOT NULL,
            department text NOT NULL,
            participants bigint NOT NULL,
            PRIMARY KEY (board_id, department)
        )
        """,
        """
        CREATE TABLE harvest_days (
            board_id bigint NOT NULL,
            day bigint NOT NULL,
            posts bigint NOT NULL,
            PRIMARY KEY (board_id, day)
        )
        """,
        """
        CREATE TABLE harvest_terms (
            board_id bigint NOT NULL,
            term text COLLATE "C" NOT NULL,
            count bigint NOT NULL,
            PRIMARY KEY (board_id, term)
        )
        """,
        "CREATE INDEX harvest_terms_by_count ON harvest_terms (board_id, count DESC, term)",
        """
        CREATE TABLE harvest_term_boards (
            term text COLLATE "C" PRIMARY KEY,
            boards bigint NOT NULL
        )
        """,
        """
        CREATE TABLE harvest_term_totals (
            board_id bigint PRIMARY KEY,
            tokens bigint NOT NULL,
            words bigint NOT NULL
        )
        """,
    ]

    /// SQLite's v13-board-phases and v14-departments: each board's dates and live panel, and where
    /// a member takes part from.
    private static let phasesAndDepartments = [
        """
        ALTER TABLE boards
            ADD COLUMN opens_at bigint,
            ADD COLUMN closes_at bigint CHECK (closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at),
            ADD COLUMN panel_starts_at bigint,
            ADD COLUMN panel_ends_at bigint CHECK (panel_ends_at IS NULL OR (panel_starts_at IS NOT NULL AND panel_ends_at > panel_starts_at)),
            ADD COLUMN panel_place text NOT NULL DEFAULT '' CHECK (length(panel_place) <= 200),
            ADD COLUMN panel_moderators text NOT NULL DEFAULT '' CHECK (length(panel_moderators) <= 1000),
            ADD COLUMN panel_panelists text NOT NULL DEFAULT '' CHECK (length(panel_panelists) <= 1000),
            ADD COLUMN panel_stream_url text NOT NULL DEFAULT ''
                CHECK (length(panel_stream_url) <= 500 AND (panel_stream_url = '' OR panel_stream_url LIKE 'http://%'
                       OR panel_stream_url LIKE 'https://%'))
        """,
        """
        ALTER TABLE users
            ADD COLUMN department text CHECK (department IS NULL OR department IN ('alta-verapaz', 'baja-verapaz', 'chimaltenango',
                'chiquimula', 'el-progreso', 'escuintla', 'guatemala', 'huehuetenango', 'izabal', 'jalapa', 'jutiapa', 'peten',
                'quetzaltenango', 'quiche', 'retalhuleu', 'sacatepequez', 'san-marcos', 'santa-rosa', 'solola', 'suchitepequez',
                'totonicapan', 'zacapa', 'outside-guatemala', 'not-said')),
            ADD COLUMN show_department boolean NOT NULL DEFAULT false
        """,
    ]

    private static let stakeholders = """
        ('government', 'private-sector', 'civil-society', 'academia', 'technical-community', 'international-organization', 'individual')
        """

    private static let core = [
        """
        CREATE TABLE server_key (
            id integer PRIMARY KEY CHECK (id = 1),
            key bytea NOT NULL CHECK (length(key) = 32)
        )
        """,
        """
        CREATE TABLE users (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            username text NOT NULL CHECK (length(username) BETWEEN 3 AND 30),
            username_key text NOT NULL UNIQUE,
            name_skeleton text NOT NULL,
            password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
            role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'committee', 'admin')),
            stakeholder text NOT NULL CHECK (stakeholder IN \(stakeholders)),
            language text CHECK (language IN ('es', 'en')),
            created_at bigint NOT NULL,
            suspended_until bigint,
            suspension_reason text,
            closed_at bigint CHECK (closed_at IS NULL OR role = 'member'),
            watch_participation boolean NOT NULL DEFAULT true
        )
        """,
        "CREATE INDEX users_by_name_skeleton ON users (name_skeleton)",
        """
        CREATE TABLE sessions (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at bigint NOT NULL,
            last_seen_at bigint NOT NULL,
            user_agent text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 256)
        )
        """,
        "CREATE INDEX sessions_by_user ON sessions (user_id)",
        """
        CREATE TABLE boards (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
            title_es text NOT NULL CHECK (length(title_es) > 0),
            title_en text NOT NULL CHECK (length(title_en) > 0),
            position bigint NOT NULL,
            archived boolean NOT NULL DEFAULT false,
            thread_count bigint NOT NULL DEFAULT 0 CHECK (thread_count >= 0),
            post_count bigint NOT NULL DEFAULT 0 CHECK (post_count >= 0),
            last_post_at bigint
        )
        """,
        """
        CREATE TABLE threads (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            board_id bigint NOT NULL REFERENCES boards (id),
            author_id bigint NOT NULL REFERENCES users (id),
            title text NOT NULL CHECK (length(title) BETWEEN 5 AND 150),
            created_at bigint NOT NULL,
            last_post_at bigint NOT NULL,
            last_post_id bigint NOT NULL DEFAULT 0,
            reply_count bigint NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
            pinned boolean NOT NULL DEFAULT false,
            locked boolean NOT NULL DEFAULT false,
            listed boolean NOT NULL DEFAULT true,
            proposal boolean NOT NULL DEFAULT false,
            endorsement_count bigint NOT NULL DEFAULT 0 CHECK (endorsement_count >= 0)
        )
        """,
        // A board page in one index walk: pinned first, then most recently bumped.
        "CREATE INDEX threads_by_board_activity ON threads (board_id, pinned DESC, last_post_id DESC)",
        """
        CREATE TABLE posts (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            thread_id bigint NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
            parent_id bigint REFERENCES posts (id),
            author_id bigint NOT NULL REFERENCES users (id),
            body_markdown text NOT NULL,
            body_html text NOT NULL,
            created_at bigint NOT NULL,
            edited_at bigint,
            deleted_at bigint,
            held boolean NOT NULL DEFAULT false,
            hidden_at bigint,
            hidden_automatically boolean NOT NULL DEFAULT false,
            stakeholder text CHECK (stakeholder IS NULL OR stakeholder IN \(stakeholders)),
            announced boolean NOT NULL DEFAULT true,
            CHECK (parent_id IS NULL OR parent_id < id)
        )
        """,
        "CREATE INDEX posts_by_thread ON posts (thread_id, id)",
        "CREATE INDEX posts_by_author ON posts (author_id, id)",
        // Exactly one opening post per thread.
        "CREATE UNIQUE INDEX posts_opening ON posts (thread_id) WHERE parent_id IS NULL",
        "CREATE INDEX posts_held ON posts (id) WHERE held",
        """
        CREATE TABLE post_revisions (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
            body_markdown text NOT NULL,
            body_html text NOT NULL,
            created_at bigint NOT NULL
        )
        """,
        "CREATE INDEX post_revisions_by_post ON post_revisions (post_id, id)",
    ]

    private static let moderation = [
        """
        CREATE TABLE flags (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            reason text NOT NULL CHECK (reason IN ('spam', 'abuse', 'off-topic', 'other')),
            note text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
            created_at bigint NOT NULL,
            resolved_at bigint,
            UNIQUE (post_id, user_id)
        )
        """,
        "CREATE INDEX flags_open ON flags (post_id) WHERE resolved_at IS NULL",
        """
        CREATE TABLE watched_words (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            phrase text NOT NULL UNIQUE CHECK (length(phrase) BETWEEN 1 AND 100),
            response text NOT NULL CHECK (response IN ('block', 'hold')),
            created_at bigint NOT NULL
        )
        """,
        // Public: every action staff take, and every post the forum hid by itself (actor_id NULL).
        """
        CREATE TABLE moderation_log (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            created_at bigint NOT NULL,
            actor_id bigint REFERENCES users (id),
            action text NOT NULL,
            target_kind text NOT NULL CHECK (target_kind IN ('post', 'thread', 'user', 'board', 'word')),
            target_id bigint NOT NULL,
            detail text NOT NULL DEFAULT '',
            reason text NOT NULL CHECK (length(reason) > 0)
        )
        """,
        """
        CREATE TABLE endorsements (
            thread_id bigint NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            stakeholder text NOT NULL CHECK (stakeholder IN \(stakeholders)),
            created_at bigint NOT NULL,
            PRIMARY KEY (thread_id, user_id)
        )
        """,
        """
        CREATE TABLE summaries (
            thread_id bigint PRIMARY KEY REFERENCES threads (id) ON DELETE CASCADE,
            body_markdown text NOT NULL CHECK (length(body_markdown) BETWEEN 1 AND 5000),
            body_html text NOT NULL,
            author_id bigint NOT NULL REFERENCES users (id),
            updated_at bigint NOT NULL
        )
        """,
        """
        CREATE TABLE account_quotas (
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            quota text NOT NULL CHECK (quota IN ('threads', 'flags', 'edits')),
            window_start bigint NOT NULL,
            count bigint NOT NULL CHECK (count >= 1),
            PRIMARY KEY (user_id, quota, window_start)
        )
        """,
    ]

    private static let accounts = [
        """
        CREATE TABLE two_factor (
            user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            secret text NOT NULL CHECK (length(secret) = 20),
            created_at bigint NOT NULL,
            enabled_at bigint,
            last_step bigint NOT NULL DEFAULT 0,
            failed_attempts bigint NOT NULL DEFAULT 0,
            failing_since bigint
        )
        """,
        """
        CREATE TABLE recovery_codes (
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
            used_at bigint,
            PRIMARY KEY (user_id, code_hash)
        )
        """,
        """
        CREATE TABLE sign_in_challenges (
            token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at bigint NOT NULL
        )
        """,
        "CREATE INDEX sign_in_challenges_by_user ON sign_in_challenges (user_id)",
    ]

    private static let notifications = [
        """
        CREATE TABLE notifications (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind text NOT NULL CHECK (kind IN ('reply', 'thread_reply', 'mention', 'watched_post', 'new_thread', 'post_hidden',
                'post_restored', 'post_held', 'post_approved', 'thread_locked', 'thread_moved', 'endorsements', 'summary',
                'appeal_upheld', 'appeal_dismissed')),
            thread_id bigint NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
            post_id bigint REFERENCES posts (id) ON DELETE CASCADE,
            board_id bigint REFERENCES boards (id),
            actor_id bigint REFERENCES users (id),
            reason text CHECK (reason IS NULL OR length(reason) <= 500),
            count bigint NOT NULL DEFAULT 1 CHECK (count >= 1),
            created_at bigint NOT NULL,
            read_at bigint
        )
        """,
        "CREATE INDEX notifications_unread ON notifications (user_id, thread_id) WHERE read_at IS NULL",
        "CREATE INDEX notifications_by_user ON notifications (user_id)",
        "CREATE INDEX notifications_by_post ON notifications (post_id) WHERE post_id IS NOT NULL",
        """
        CREATE TABLE thread_watches (
            thread_id bigint NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            level text NOT NULL CHECK (level IN ('watching', 'normal', 'muted')),
            created_at bigint NOT NULL,
            PRIMARY KEY (thread_id, user_id)
        )
        """,
        "CREATE INDEX thread_watches_by_user ON thread_watches (user_id)",
        """
        CREATE TABLE board_watches (
            board_id bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            level text NOT NULL CHECK (level IN ('watching', 'normal', 'muted')),
            created_at bigint NOT NULL,
            PRIMARY KEY (board_id, user_id)
        )
        """,
        "CREATE INDEX board_watches_by_user ON board_watches (user_id)",
        """
        CREATE TABLE appeals (
            post_id bigint PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            text text NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
            created_at bigint NOT NULL,
            outcome text CHECK (outcome IN ('upheld', 'dismissed')),
            resolved_at bigint,
            CHECK ((outcome IS NULL) = (resolved_at IS NULL))
        )
        """,
        "CREATE INDEX appeals_open ON appeals (post_id) WHERE resolved_at IS NULL",
        "CREATE INDEX appeals_by_user ON appeals (user_id)",
    ]

    private static let email = [
        """
        CREATE TABLE member_email (
            user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            address text CHECK (address IS NULL OR length(address) BETWEEN 3 AND 254),
            address_key text UNIQUE CHECK ((address_key IS NULL) = (address IS NULL)),
            confirmed_at bigint CHECK ((confirmed_at IS NULL) = (address IS NULL)),
            mail_notifications text NOT NULL DEFAULT 'each' CHECK (mail_notifications IN ('none', 'each', 'daily'))
        )
        """,
        """
        CREATE TABLE email_tokens (
            token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            purpose text NOT NULL CHECK (purpose IN ('confirm', 'reset')),
            address text CHECK ((address IS NOT NULL) = (purpose = 'confirm') AND length(address) BETWEEN 3 AND 254),
            created_at bigint NOT NULL
        )
        """,
        "CREATE INDEX email_tokens_by_user ON email_tokens (user_id, purpose)",
        """
        CREATE TABLE mail_outbox (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind text NOT NULL CHECK (kind IN ('confirm', 'reset', 'notification', 'digest')),
            recipient text CHECK (recipient IS NULL OR length(recipient) BETWEEN 3 AND 254),
            language text NOT NULL CHECK (language IN ('es', 'en')),
            payload text NOT NULL DEFAULT '',
            created_at bigint NOT NULL,
            due_at bigint NOT NULL,
            attempts bigint NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            claimed_until bigint,
            last_error text CHECK (last_error IS NULL OR length(last_error) <= 300),
            outcome text CHECK (outcome IN ('sent', 'failed', 'skipped')),
            finished_at bigint CHECK ((finished_at IS NULL) = (outcome IS NULL)),
            CHECK (outcome IS NULL OR (recipient IS NULL AND payload = '')),
            CHECK (outcome IS NOT NULL OR recipient IS NOT NULL)
        )
        """,
        "CREATE INDEX mail_outbox_pending ON mail_outbox (due_at, id) WHERE outcome IS NULL",
        "CREATE INDEX mail_outbox_by_user ON mail_outbox (user_id)",
        "CREATE INDEX mail_outbox_finished ON mail_outbox (finished_at) WHERE outcome IS NOT NULL",
    ]

    private static let conclusions = [
        """
        CREATE TABLE board_conclusions (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            board_id bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
            conclusions_markdown text NOT NULL CHECK (length(conclusions_markdown) <= 10000),
            conclusions_html text NOT NULL,
            recommendations_markdown text NOT NULL CHECK (length(recommendations_markdown) <= 10000),
            recommendations_html text NOT NULL,
            status text NOT NULL CHECK (status IN ('draft', 'published')),
            author_id bigint NOT NULL REFERENCES users (id),
            created_at bigint NOT NULL
        )
        """,
        "CREATE INDEX board_conclusions_by_board ON board_conclusions (board_id, status, id)",
    ]

    /// Full-text search, the counterpart of SQLite's `post_search`: a table, not a column of
    /// `posts`, because it holds what SQLite's index holds: only published, visible posts (the
    /// same writes add and remove rows in both stores), and the thread's title on its opening
    /// post's row, which a generated column of `posts` could not reach. `cabildo_es` is Spanish
    /// (stemming, stop words) with accents folded by `unaccent` first, so "proteccion" finds
    /// "protección"; the title weighs more (A) than the body (D), as SQLite's bm25 weights do.
    private static let search = [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "CREATE TEXT SEARCH CONFIGURATION cabildo_es (COPY = pg_catalog.spanish)",
        "ALTER TEXT SEARCH CONFIGURATION cabildo_es ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem",
        """
        CREATE TABLE post_search (
            post_id bigint PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
            title text NOT NULL,
            body text NOT NULL,
            document tsvector NOT NULL GENERATED ALWAYS AS (
                setweight(to_tsvector('cabildo_es', title), 'A') || setweight(to_tsvector('cabildo_es', body), 'D')) STORED
        )
        """,
        "CREATE INDEX post_search_document ON post_search USING gin (document)",
    ]
}
