import Foundation

/// What `cabildo copy` moves from SQLite to PostgreSQL: every SQLite table is either copied
/// (`copied`, column by column) or deliberately skipped (`skipped`, with the reason). A database
/// holding a table in neither list, or a copied table whose columns differ from the list, is
/// refused (`PostgresCopySource.unaccounted`): a migration that adds one must say here what
/// becomes of it, rather than be silently left behind.
enum PostgresCopyTables {
    /// How a SQLite value becomes a PostgreSQL one (`PostgresSchema`: integers and dates as
    /// `bigint`, text as `text`, blobs as `bytea`, SQLite's 0/1 flags as `boolean`).
    enum Kind: Sendable {
        case integer, text, blob, flag
    }

    struct Column: Sendable {
        let name: String
        let kind: Kind
    }

    struct Table: Sendable {
        let name: String
        /// The primary key: rows are read in its order, a batch at a time (keyset pagination).
        let key: [String]
        let columns: [Column]
        /// `id` is an identity column in PostgreSQL: its sequence is moved past the largest id copied.
        let identity: Bool

        /// Where the key's columns are among `columns` (every key column is one: `PostgresCopyTests`).
        var keyIndices: [Int] { key.compactMap { name in columns.firstIndex { $0.name == name } } }
    }

    /// In foreign-key order: each table after every table it references.
    static let copied: [Table] = [
        table("users", identity: true, [
            int("id"), text("username"), text("username_key"), text("password_hash"), text("role"), text("stakeholder"),
            text("language"), int("created_at"), int("suspended_until"), text("suspension_reason"), text("name_skeleton"),
            int("closed_at"), flag("watch_participation"), text("department"), flag("show_department"),
        ]),
        table("server_key", key: ["id"], [int("id"), blob("key")]),
        table("boards", identity: true, [
            int("id"), text("slug"), text("title_es"), text("title_en"), int("position"), flag("archived"), int("thread_count"),
            int("post_count"), int("last_post_at"), int("opens_at"), int("closes_at"), int("panel_starts_at"), int("panel_ends_at"),
            text("panel_place"), text("panel_moderators"), text("panel_panelists"), text("panel_stream_url"),
        ]),
        table("threads", identity: true, [
            int("id"), int("board_id"), int("author_id"), text("title"), int("created_at"), int("last_post_at"), int("last_post_id"),
            int("reply_count"), flag("pinned"), flag("locked"), flag("listed"), flag("proposal"), int("endorsement_count"),
        ]),
        // Ordered by id, so a reply's parent (parent_id < id) is always in an earlier batch or earlier in its own.
        table("posts", identity: true, [
            int("id"), int("thread_id"), int("parent_id"), int("author_id"), text("body_markdown"), text("body_html"),
            int("created_at"), int("edited_at"), int("deleted_at"), flag("held"), int("hidden_at"), flag("hidden_automatically"),
            text("stakeholder"), flag("announced"),
        ]),
        table("post_revisions", identity: true, [int("id"), int("post_id"), text("body_markdown"), text("body_html"), int("created_at")]),
        table("flags", identity: true, [
            int("id"), int("post_id"), int("user_id"), text("reason"), text("note"), int("created_at"), int("resolved_at"),
        ]),
        table("watched_words", identity: true, [int("id"), text("phrase"), text("response"), int("created_at")]),
        table("moderation_log", identity: true, [
            int("id"), int("created_at"), int("actor_id"), text("action"), text("target_kind"), int("target_id"), text("detail"),
            text("reason"),
        ]),
        table("endorsements", key: ["thread_id", "user_id"], [int("thread_id"), int("user_id"), text("stakeholder"), int("created_at")]),
        table("summaries", key: ["thread_id"], [
            int("thread_id"), text("body_markdown"), text("body_html"), int("author_id"), int("updated_at"),
        ]),
        table("account_quotas", key: ["user_id", "quota", "window_start"], [
            int("user_id"), text("quota"), int("window_start"), int("count"),
        ]),
        // Copied as they are: a member signed in on SQLite is still signed in (the cookie holds
        // the token, the row its SHA-256), and so is a sign-in halfway through its second step.
        table("sessions", identity: true, [
            int("id"), blob("token_hash"), int("user_id"), int("created_at"), int("last_seen_at"), text("user_agent"),
        ]),
        table("two_factor", key: ["user_id"], [
            int("user_id"), text("secret"), int("created_at"), int("enabled_at"), int("last_step"), int("failed_attempts"),
            int("failing_since"),
        ]),
        table("recovery_codes", key: ["user_id", "code_hash"], [int("user_id"), blob("code_hash"), int("used_at")]),
        table("sign_in_challenges", key: ["token_hash"], [blob("token_hash"), int("user_id"), int("created_at")]),
        table("notifications", identity: true, [
            int("id"), int("user_id"), text("kind"), int("thread_id"), int("post_id"), int("board_id"), int("actor_id"),
            text("reason"), int("count"), int("created_at"), int("read_at"),
        ]),
        table("thread_watches", key: ["thread_id", "user_id"], [int("thread_id"), int("user_id"), text("level"), int("created_at")]),
        table("board_watches", key: ["board_id", "user_id"], [int("board_id"), int("user_id"), text("level"), int("created_at")]),
        table("appeals", key: ["post_id"], [
            int("post_id"), int("user_id"), text("text"), int("created_at"), text("outcome"), int("resolved_at"),
        ]),
        table("member_email", key: ["user_id"], [
            int("user_id"), text("address"), text("address_key"), int("confirmed_at"), text("mail_notifications"),
        ]),
        table("email_tokens", key: ["token_hash"], [
            blob("token_hash"), int("user_id"), text("purpose"), text("address"), int("created_at"),
        ]),
        // Pending mail is copied with its claim, if any: a lease left by the stopped server runs
        // out and the mail is sent by whichever server claims it next.
        table("mail_outbox", identity: true, [
            int("id"), int("user_id"), text("kind"), text("recipient"), text("language"), text("payload"), int("created_at"),
            int("due_at"), int("attempts"), int("claimed_until"), text("last_error"), text("outcome"), int("finished_at"),
        ]),
        table("board_conclusions", identity: true, [
            int("id"), int("board_id"), text("conclusions_markdown"), text("conclusions_html"), text("recommendations_markdown"),
            text("recommendations_html"), text("status"), int("author_id"), int("created_at"),
        ]),
    ]

    /// SQLite tables the copy leaves behind on purpose, and why.
    static let skipped: [String: String] = [
        "grdb_migrations": "SQLite's record of its migrations; PostgreSQL keeps its own (cabildo_migrations), written when the target opens",
        "post_search": "SQLite's FTS5 search index; PostgreSQL's post_search is rebuilt from the posts instead",
        "post_search_data": "a shadow table of the FTS5 index",
        "post_search_idx": "a shadow table of the FTS5 index",
        "post_search_content": "a shadow table of the FTS5 index",
        "post_search_docsize": "a shadow table of the FTS5 index",
        "post_search_config": "a shadow table of the FTS5 index",
        "sqlite_sequence": "SQLite's AUTOINCREMENT counters (Cabildo declares none); the identity sequences are set past the largest ids instead",
        "sqlite_stat1": "query planner statistics from ANALYZE",
        "sqlite_stat4": "query planner statistics from ANALYZE",
    ].merging(harvestCounts.map { ($0, "the harvest's counts (v16 and v17); PostgreSQL's are counted again from the posts and endorsements copied") }) { a, _ in a }

    /// Derived from the posts, so counted again on the target rather than copied.
    private static let harvestCounts = ["harvest_threads", "harvest_thread_members", "harvest_members", "harvest_group_members",
                                        "harvest_groups", "harvest_departments", "harvest_days", "harvest_terms",
                                        "harvest_term_boards", "harvest_term_totals", "harvest_endorsements", "harvest_support"]

    private static func table(_ name: String, identity: Bool = false, key: [String] = ["id"], _ columns: [Column]) -> Table {
        Table(name: name, key: key, columns: columns, identity: identity)
    }

    private static func int(_ name: String) -> Column { Column(name: name, kind: .integer) }
    private static func text(_ name: String) -> Column { Column(name: name, kind: .text) }
    private static func blob(_ name: String) -> Column { Column(name: name, kind: .blob) }
    private static func flag(_ name: String) -> Column { Column(name: name, kind: .flag) }
}

/// One value on its way from SQLite to PostgreSQL, already checked against its column's kind.
enum PostgresCopyValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob(Data)
    case flag(Bool)
}
