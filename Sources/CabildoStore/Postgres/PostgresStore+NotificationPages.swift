import CabildoCore
import Foundation
import PostgresNIO

/// `/notifications` and what reading marks read, as `AppDatabase+Notifications`. The
/// notifications themselves are written by the writes that cause them (`PostgresStore.notify`).
extension PostgresStore {
    /// A notification with the post it is about, its thread, its board and who caused it. The
    /// post's columns are named as `Post(columns:)` reads them; the notification's own are renamed
    /// where a post's would collide.
    private static let notificationSelect = """
        SELECT p.id, p.thread_id, p.parent_id, p.author_id, u.role AS author_role, \(AppDatabase.shownName("u")) AS author_name,
               p.body_markdown, p.body_html, p.created_at, p.edited_at, p.deleted_at, p.held, p.hidden_at, p.hidden_automatically,
               n.id AS notification_id, n.kind, n.thread_id AS about_thread, t.title, b.slug, b.title_es, b.title_en,
               n.actor_id, \(AppDatabase.shownName("a")) AS actor_name, n.reason, n.count, n.created_at AS notified_at, n.read_at
        FROM notifications n JOIN threads t ON t.id = n.thread_id
        LEFT JOIN posts p ON p.id = n.post_id LEFT JOIN users u ON u.id = p.author_id
        LEFT JOIN boards b ON b.id = n.board_id LEFT JOIN users a ON a.id = n.actor_id
        """

    public func notifications(userId: Int64, before: Int64?, limit: Int) async throws -> [ForumNotification] {
        try await read { connection in
            try await connection.all("""
                \(unescaped: Self.notificationSelect)
                WHERE n.user_id = \(userId) AND n.id < \(before ?? Int64.max) ORDER BY n.id DESC LIMIT \(limit)
                """, logger: logger, ForumNotification.init(columns:)).compactMap { $0 }
        }
    }

    /// The member's unread notifications from `firstId` on (all of them with `digest`, else that
    /// one only), oldest first: what a notification mail or digest tells.
    func fetchUnreadNotifications(_ connection: PostgresConnection, userId: Int64, from firstId: Int64, digest: Bool,
                                  limit: Int) async throws -> [ForumNotification] {
        try await connection.all("""
            \(unescaped: Self.notificationSelect)
            WHERE n.user_id = \(userId) AND n.read_at IS NULL AND n.id \(unescaped: digest ? ">=" : "=") \(firstId)
            ORDER BY n.id LIMIT \(limit)
            """, logger: logger, ForumNotification.init(columns:)).compactMap { $0 }
    }

    public func markNotificationsRead(userId: Int64, at date: Date) async throws {
        try await write(changes: .memberState) { connection in
            try await connection.run("""
                UPDATE notifications SET read_at = \(date.unixSeconds) WHERE user_id = \(userId) AND read_at IS NULL
                """, logger: logger)
        }
    }

    /// Reading a thread reads what its posts told the member; what staff did stays unread until
    /// read on `/notifications`. Returns how many.
    public func markThreadNotificationsRead(userId: Int64, threadId: Int64, at date: Date) async throws -> Int {
        try await write(changes: .memberState) { connection in
            try await connection.count("""
                UPDATE notifications SET read_at = \(date.unixSeconds)
                WHERE user_id = \(userId) AND thread_id = \(threadId) AND read_at IS NULL
                  AND kind IN \(unescaped: AppDatabase.conversationKinds)
                RETURNING id
                """, logger: logger)
        }
    }
}

extension ForumNotification {
    /// A row of `PostgresStore.notificationSelect`; nil for a kind this build does not know (left
    /// out, as `AppDatabase.fetchNotifications` leaves it out).
    init?(columns row: Columns) throws {
        guard let known = NotificationKind(rawValue: try row.string("kind")) else { return nil }
        let actor: LogActor? = try row.optionalInt64("actor_id").map { _ in
            try row.optionalString("actor_name").map { .member(name: $0) } ?? .closedAccount
        }
        self.init(
            id: try row.int64("notification_id"), kind: known, threadId: try row.int64("about_thread"),
            threadTitle: try row.string("title"),
            post: try row.optionalInt64("id") == nil ? nil : try Post(columns: row),
            boardSlug: try row.optionalString("slug"), boardTitleES: try row.optionalString("title_es"),
            boardTitleEN: try row.optionalString("title_en"), actor: actor, reason: try row.optionalString("reason"),
            count: try row.int("count"), createdAt: try row.date("notified_at"), readAt: try row.optionalDate("read_at"))
    }
}
