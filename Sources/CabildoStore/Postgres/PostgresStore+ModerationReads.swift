import CabildoCore
import Foundation
import PostgresNIO

/// What moderators and the public read of moderation: the queue, the log, the watched words.
extension PostgresStore {
    /// Flagged, held and appealed posts, newest first, each with its open flags and request for
    /// review, read in one snapshot.
    public func moderationQueue(limit: Int) async throws -> [QueueItem] {
        try await read { connection in
            let posts = try await connection.all("""
                SELECT q.*, t.title AS thread_title FROM (
                    \(unescaped: Self.postSelect)
                    WHERE p.deleted_at IS NULL AND p.id IN (
                        SELECT post_id FROM flags WHERE resolved_at IS NULL
                        UNION SELECT id FROM posts WHERE held AND hidden_at IS NULL
                        UNION SELECT post_id FROM appeals WHERE resolved_at IS NULL)
                    ORDER BY p.id DESC LIMIT \(limit)) q
                JOIN threads t ON t.id = q.thread_id ORDER BY q.id DESC
                """, logger: logger) { (post: try Post(columns: $0), threadTitle: try $0.string("thread_title")) }
            let ids = posts.map(\.post.id)
            let flags = try await fetchOpenFlags(connection, postIds: ids)
            let appeals = try await fetchOpenAppeals(connection, postIds: ids)
            return posts.map {
                QueueItem(post: $0.post, threadTitle: $0.threadTitle, flags: flags[$0.post.id] ?? [], appeal: appeals[$0.post.id])
            }
        }
    }

    /// The public log, newest first; `before` is the id of the last entry of the previous page.
    public func moderationLog(before: Int64?, limit: Int) async throws -> [LogEntry] {
        try await read { connection in
            try await connection.all("""
                SELECT l.*, \(unescaped: AppDatabase.shownName("a")) AS actor_name, t.id AS thread_id,
                       -- The log is public: an unlisted thread's title is for its author and staff only.
                       CASE WHEN t.listed THEN t.title END AS thread_title,
                       \(unescaped: AppDatabase.shownName("tu")) AS user_name, b.slug AS board_slug, b.title_es, b.title_en
                FROM moderation_log l
                LEFT JOIN users a ON a.id = l.actor_id
                LEFT JOIN posts p ON l.target_kind = 'post' AND p.id = l.target_id
                LEFT JOIN threads t ON t.id = CASE l.target_kind WHEN 'thread' THEN l.target_id WHEN 'post' THEN p.thread_id END
                LEFT JOIN users tu ON l.target_kind = 'user' AND tu.id = l.target_id
                LEFT JOIN boards b ON l.target_kind = 'board' AND b.id = l.target_id
                WHERE l.id < \(before ?? Int64.max) ORDER BY l.id DESC LIMIT \(limit)
                """, logger: logger, LogEntry.init(columns:)).compactMap { $0 }
        }
    }

    /// Ordered byte by byte (`COLLATE "C"`), as SQLite orders text: the database's locale must
    /// not reorder the list.
    public func watchedWords() async throws -> [WatchedWord] {
        try await read { connection in
            try await connection.all("SELECT id, phrase, response FROM watched_words ORDER BY phrase COLLATE \"C\"", logger: logger) {
                WatchedWord(id: try $0.int64("id"), phrase: try $0.string("phrase"),
                            response: WatchedWord.Response(rawValue: try $0.string("response")) ?? .hold)
            }
        }
    }
}

extension LogEntry {
    /// A row of `PostgresStore.moderationLog`'s query; nil for an action or target kind this version does not know.
    init?(columns row: Columns) throws {
        guard let action = LogAction(rawValue: try row.string("action")),
              let kind = LogTargetKind(rawValue: try row.string("target_kind")) else { return nil }
        let actorName = try row.optionalString("actor_name")
        let actor: LogActor = try row.optionalInt64("actor_id") == nil ? .forum : actorName.map { .member(name: $0) } ?? .closedAccount
        self.init(
            id: try row.int64("id"), createdAt: try row.date("created_at"), actor: actor, action: action, targetKind: kind,
            targetId: try row.int64("target_id"), threadId: try row.optionalInt64("thread_id"),
            threadTitle: try row.optionalString("thread_title"), userName: try row.optionalString("user_name"),
            boardSlug: try row.optionalString("board_slug"), boardTitleES: try row.optionalString("title_es"),
            boardTitleEN: try row.optionalString("title_en"), detail: try row.string("detail"), reason: try row.string("reason"))
    }
}
