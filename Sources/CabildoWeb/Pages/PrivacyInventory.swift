/// What `/privacy` says, section by section, and which columns of the database each sentence
/// accounts for. The page is rendered from this list, so a sentence here is on the page, and
/// `PrivacyTests` compares `columns` with the schema of a freshly migrated database
/// (`AppDatabase.schemaColumns`): a column no sentence accounts for fails it, and so does a
/// column listed here that the schema no longer has.
///
/// Adding a column (a migration): put `"table.column"` in the item whose sentence already tells
/// what it holds, or add an item: one line here, and its sentence under the same key in both
/// `Templates/messages.es.json` and `messages.en.json`. Items without columns tell what no
/// table holds: retention, logs, cookies, what is never kept, how to take or delete it.
enum PrivacyInventory {
    /// One sentence of the page (`key` in the message catalogs), led by a link when it has one.
    struct Item: Sendable {
        let key: String
        let columns: [String]
        let link: Link?

        init(_ key: String, _ columns: [String] = [], link: Link? = nil) {
            self.key = key
            self.columns = columns
            self.link = link
        }
    }

    struct Link: Sendable {
        let path: String
        /// The link's words, a message key.
        let label: String
    }

    /// A heading (`key`) and its sentences. `id` is the heading's anchor: `/privacy#sessions`.
    struct Section: Sendable {
        let id: String
        let key: String
        let items: [Item]
    }

    static let sections: [Section] = [
        Section(id: "account", key: "privacy_section_account", items: [
            Item("privacy_account_name", ["users.id", "users.username", "users.username_key", "users.name_skeleton", "users.created_at"]),
            Item("privacy_account_password", ["users.password_hash"]),
            Item("privacy_account_role", ["users.role", "users.stakeholder"]),
            Item("privacy_account_language", ["users.language"]),
            Item("privacy_account_department", ["users.department", "users.show_department"],
                 link: Link(path: SiteURL.settings.path, label: "settings")),
            Item("privacy_account_suspension", ["users.suspended_until", "users.suspension_reason"]),
            Item("privacy_account_closed", ["users.closed_at"]),
            Item("privacy_two_factor", ["two_factor.user_id", "two_factor.secret", "two_factor.created_at", "two_factor.enabled_at",
                                        "two_factor.last_step", "two_factor.failed_attempts", "two_factor.failing_since",
                                        "recovery_codes.user_id", "recovery_codes.code_hash", "recovery_codes.used_at"]),
        ]),
        Section(id: "sessions", key: "privacy_section_sessions", items: [
            Item("privacy_sessions", ["sessions.id", "sessions.token_hash", "sessions.user_id", "sessions.created_at",
                                      "sessions.last_seen_at", "sessions.user_agent"]),
            Item("privacy_sign_in_challenges", ["sign_in_challenges.token_hash", "sign_in_challenges.user_id",
                                                "sign_in_challenges.created_at"]),
            Item("privacy_sessions_expiry"),
        ]),
        Section(id: "email", key: "privacy_section_email", items: [
            Item("privacy_email_address", ["member_email.user_id", "member_email.address", "member_email.address_key",
                                            "member_email.confirmed_at", "member_email.mail_notifications"],
                 link: Link(path: SiteURL.settingsEmail.path, label: "email_settings")),
            Item("privacy_email_tokens", ["email_tokens.token_hash", "email_tokens.user_id", "email_tokens.purpose",
                                          "email_tokens.address", "email_tokens.created_at"]),
            Item("privacy_mail_outbox", ["mail_outbox.id", "mail_outbox.user_id", "mail_outbox.kind", "mail_outbox.recipient",
                                         "mail_outbox.language", "mail_outbox.payload", "mail_outbox.created_at", "mail_outbox.due_at",
                                         "mail_outbox.attempts", "mail_outbox.claimed_until", "mail_outbox.last_error",
                                         "mail_outbox.outcome", "mail_outbox.finished_at"]),
        ]),
        Section(id: "writing", key: "privacy_section_writing", items: [
            Item("privacy_posts", ["posts.id", "posts.thread_id", "posts.parent_id", "posts.author_id", "posts.body_markdown",
                                   "posts.body_html", "posts.created_at", "posts.edited_at", "posts.stakeholder"]),
            Item("privacy_revisions", ["post_revisions.id", "post_revisions.post_id", "post_revisions.body_markdown",
                                       "post_revisions.body_html", "post_revisions.created_at"]),
            Item("privacy_threads", ["threads.id", "threads.board_id", "threads.author_id", "threads.title", "threads.created_at",
                                     "threads.last_post_at", "threads.last_post_id", "threads.reply_count", "threads.pinned",
                                     "threads.locked", "threads.listed", "threads.proposal", "threads.endorsement_count"]),
            Item("privacy_post_state", ["posts.deleted_at", "posts.held", "posts.hidden_at", "posts.hidden_automatically",
                                        "posts.announced"]),
            // The full-text index: its shadow tables are left out by `schemaColumns`.
            Item("privacy_search", ["post_search.title", "post_search.body"]),
            // The harvest's counts (issue 20): derived from the visible posts, kept current with every write.
            Item("privacy_harvest_counts", [
                "harvest_threads.thread_id", "harvest_threads.posts", "harvest_threads.replies", "harvest_threads.participants",
                "harvest_thread_members.thread_id", "harvest_thread_members.author_id", "harvest_thread_members.posts",
                "harvest_members.board_id", "harvest_members.author_id", "harvest_members.posts",
                "harvest_group_members.board_id", "harvest_group_members.author_id", "harvest_group_members.stakeholder",
                "harvest_group_members.posts", "harvest_groups.board_id", "harvest_groups.stakeholder", "harvest_groups.posters",
                "harvest_groups.posts", "harvest_departments.board_id", "harvest_departments.department",
                "harvest_departments.participants", "harvest_days.board_id", "harvest_days.day", "harvest_days.posts",
                "harvest_terms.board_id", "harvest_terms.term", "harvest_terms.count", "harvest_term_boards.term",
                "harvest_term_boards.boards", "harvest_term_totals.board_id", "harvest_term_totals.tokens",
                "harvest_term_totals.words", "harvest_endorsements.thread_id", "harvest_endorsements.stakeholder",
                "harvest_endorsements.endorsements", "harvest_support.thread_id", "harvest_support.endorsements", "harvest_support.score"]),
            Item("privacy_post_deleted"),
        ]),
        Section(id: "participation", key: "privacy_section_participation", items: [
            Item("privacy_endorsements", ["endorsements.thread_id", "endorsements.user_id", "endorsements.stakeholder",
                                          "endorsements.created_at"]),
            Item("privacy_flags", ["flags.id", "flags.post_id", "flags.user_id", "flags.reason", "flags.note", "flags.created_at",
                                   "flags.resolved_at"]),
            Item("privacy_quotas", ["account_quotas.user_id", "account_quotas.quota", "account_quotas.window_start",
                                    "account_quotas.count"]),
            Item("privacy_appeals", ["appeals.post_id", "appeals.user_id", "appeals.text", "appeals.created_at", "appeals.outcome",
                                     "appeals.resolved_at"]),
        ]),
        Section(id: "notifications", key: "privacy_section_notifications", items: [
            Item("privacy_notifications", ["notifications.id", "notifications.user_id", "notifications.kind", "notifications.thread_id",
                                           "notifications.post_id", "notifications.board_id", "notifications.actor_id",
                                           "notifications.reason", "notifications.count", "notifications.created_at",
                                           "notifications.read_at"]),
            Item("privacy_watches", ["thread_watches.thread_id", "thread_watches.user_id", "thread_watches.level",
                                     "thread_watches.created_at", "board_watches.board_id", "board_watches.user_id",
                                     "board_watches.level", "board_watches.created_at", "users.watch_participation"]),
        ]),
        Section(id: "staff", key: "privacy_section_staff", items: [
            Item("privacy_log", ["moderation_log.id", "moderation_log.created_at", "moderation_log.actor_id", "moderation_log.action",
                                 "moderation_log.target_kind", "moderation_log.target_id", "moderation_log.detail",
                                 "moderation_log.reason"]),
            Item("privacy_summaries", ["summaries.thread_id", "summaries.body_markdown", "summaries.body_html", "summaries.author_id",
                                       "summaries.updated_at"]),
            Item("privacy_conclusions", ["board_conclusions.id", "board_conclusions.board_id", "board_conclusions.conclusions_markdown",
                                         "board_conclusions.conclusions_html", "board_conclusions.recommendations_markdown",
                                         "board_conclusions.recommendations_html", "board_conclusions.status",
                                         "board_conclusions.author_id", "board_conclusions.created_at"]),
            Item("privacy_harvest"),
            Item("privacy_words", ["watched_words.id", "watched_words.phrase", "watched_words.response", "watched_words.created_at"]),
        ]),
        Section(id: "forum", key: "privacy_section_forum", items: [
            Item("privacy_boards", ["boards.id", "boards.slug", "boards.title_es", "boards.title_en", "boards.position",
                                    "boards.archived", "boards.thread_count", "boards.post_count", "boards.last_post_at"]),
            Item("privacy_board_phases", ["boards.opens_at", "boards.closes_at", "boards.panel_starts_at", "boards.panel_ends_at",
                                          "boards.panel_place", "boards.panel_moderators", "boards.panel_panelists",
                                          "boards.panel_stream_url"]),
            Item("privacy_server_key", ["server_key.id", "server_key.key"]),
            Item("privacy_migrations", ["grdb_migrations.identifier"]),
        ]),
        Section(id: "never", key: "privacy_section_never", items: [
            Item("privacy_never_address"),
            Item("privacy_never_identity"),
            Item("privacy_never_tracking"),
        ]),
        Section(id: "logs", key: "privacy_section_logs", items: [
            Item("privacy_logs_requests"),
            Item("privacy_logs_events"),
            Item("privacy_logs_address"),
            Item("privacy_logs_keep"),
        ]),
        Section(id: "cookies", key: "privacy_section_cookies", items: [
            Item("privacy_cookie_session"),
            Item("privacy_cookie_anonymous"),
            Item("privacy_cookie_language"),
            Item("privacy_cookie_device"),
            Item("privacy_cookie_challenge"),
            Item("privacy_cookies_only"),
        ]),
        Section(id: "keeping", key: "privacy_section_keeping", items: [
            Item("privacy_keep_content"),
            Item("privacy_keep_backups"),
            Item("privacy_keep_operator"),
        ]),
        Section(id: "yours", key: "privacy_section_yours", items: [
            Item("privacy_export", link: Link(path: SiteURL.settingsExport.path, label: "settings_export")),
            Item("privacy_close", link: Link(path: SiteURL.settingsDelete.path, label: "privacy_close_link")),
            Item("privacy_delete_post"),
        ]),
    ]

    /// Every `table.column` the page accounts for.
    static var columns: [String] { sections.flatMap(\.items).flatMap(\.columns) }
}
