import CabildoCore
import Foundation
import PostgresNIO

/// The notification rules of `AppDatabase+Notifications`, `+Watches` and `+NotificationMail`
/// for the writes ported so far (new threads and replies): written in the transaction of what
/// caused them, with the same rules, in PostgreSQL's SQL.
extension PostgresStore {
    /// Writes `draft`, or for a batched kind adds one to the member's unread notification of that
    /// kind in that thread (moved to the top). Nothing for the member's own action or a closed account.
    func notify(_ connection: PostgresConnection, _ draft: AppDatabase.NotificationDraft, at now: Int64) async throws {
        guard draft.actorId != draft.userId,
              try await connection.one("SELECT closed_at IS NULL AS open FROM users WHERE id = \(draft.userId)", logger: logger,
                                       { try $0.bool("open") }) == true
        else { return }
        var draft = draft
        var count: Int64 = 1
        var replaced: Int64?
        if draft.kind.isBatched, let unread = try await connection.one("""
            SELECT id, count, post_id, actor_id FROM notifications
            WHERE user_id = \(draft.userId) AND thread_id = \(draft.threadId) AND kind = \(draft.kind.rawValue) AND read_at IS NULL
            FOR UPDATE
            """, logger: logger, { row in
                (id: try row.int64("id"), count: try row.int64("count"), postId: try row.optionalInt64("post_id"),
                 actorId: try row.optionalInt64("actor_id"))
            }) {
            // The batch keeps its first post and author: the link goes to the first new post.
            count = unread.count + 1
            draft.postId = unread.postId
            draft.actorId = unread.actorId
            replaced = unread.id
            try await connection.run("DELETE FROM notifications WHERE id = \(unread.id)", logger: logger)
        }
        guard let id = try await connection.one("""
            INSERT INTO notifications (user_id, kind, thread_id, post_id, board_id, actor_id, reason, count, created_at)
            VALUES (\(draft.userId), \(draft.kind.rawValue), \(draft.threadId), \(draft.postId), \(draft.boardId), \(draft.actorId),
                    \(draft.reason.map { String($0.prefix(500)) }), \(count), \(now))
            RETURNING id
            """, logger: logger, { try $0.int64("id") }) else { return }
        try await queueNotificationMail(connection, userId: draft.userId, notificationId: id, replacing: replaced, at: now)
    }

    /// Tells the author of a post what was done to it.
    func notifyAuthor(_ connection: PostgresConnection, postId: Int64, _ kind: NotificationKind, actorId: Int64?, reason: String?,
                      at now: Int64) async throws {
        guard let post = try await connection.one("SELECT author_id, thread_id FROM posts WHERE id = \(postId)", logger: logger, {
            (author: try $0.int64("author_id"), thread: try $0.int64("thread_id"))
        }) else { return }
        try await notify(connection, .init(userId: post.author, kind: kind, threadId: post.thread, postId: postId, actorId: actorId,
                                           reason: reason), at: now)
    }

    /// Announces a newly published post once, as `AppDatabase.announce` says: to the author of
    /// the post it answers, the accounts it mentions, the thread's author, the thread's watchers
    /// and, for an opening post, the board's; each member once, muted ones never.
    func announce(_ connection: PostgresConnection, postId: Int64, at now: Int64) async throws {
        guard let post = try await connection.one("""
            SELECT p.author_id, p.thread_id, p.body_html, t.board_id, t.listed, t.author_id AS thread_author,
                   q.author_id AS parent_author, q.parent_id IS NULL AS parent_opens
            FROM posts p JOIN threads t ON t.id = p.thread_id LEFT JOIN posts q ON q.id = p.parent_id
            WHERE p.id = \(postId) AND NOT p.announced AND NOT p.held AND p.hidden_at IS NULL AND p.deleted_at IS NULL
            """, logger: logger, { row in
                (author: try row.int64("author_id"), thread: try row.int64("thread_id"), html: try row.string("body_html"),
                 board: try row.int64("board_id"), listed: try row.bool("listed"), threadAuthor: try row.int64("thread_author"),
                 parentAuthor: try row.optionalInt64("parent_author"), parentOpens: try row.bool("parent_opens"))
            }) else { return }
        try await connection.run("UPDATE posts SET announced = true WHERE id = \(postId)", logger: logger)
        guard post.listed else { return }

        // Most particular first: an answer to one's post, a mention, a reply to one's thread, watching.
        var recipients: [(Int64, NotificationKind)] = []
        if let parentAuthor = post.parentAuthor, !post.parentOpens { recipients.append((parentAuthor, .reply)) }
        for name in Mentions.linkedUsernames(inHTML: post.html) {
            if let id = try await connection.one("SELECT id FROM users WHERE username_key = \(Rules.usernameKey(name))", logger: logger,
                                                 { try $0.int64("id") }) {
                recipients.append((id, .mention))
            }
        }
        if let parentAuthor = post.parentAuthor, post.parentOpens { recipients.append((parentAuthor, .threadReply)) }
        // The thread's author, watching it, has one batch for all of it: replies to the thread.
        recipients += try await connection.all("""
            SELECT user_id FROM thread_watches WHERE thread_id = \(post.thread) AND level = 'watching' ORDER BY user_id
            """, logger: logger) { try $0.int64("user_id") }.map { id -> (Int64, NotificationKind) in
                (id, id == post.threadAuthor ? .threadReply : .watchedPost)
            }
        if post.parentAuthor == nil {
            recipients += try await connection.all("""
                SELECT user_id FROM board_watches WHERE board_id = \(post.board) AND level = 'watching' ORDER BY user_id
                """, logger: logger) { try $0.int64("user_id") }.map { id -> (Int64, NotificationKind) in (id, .newThread) }
        }
        var done = Set(try await connection.all("""
            SELECT user_id FROM thread_watches WHERE thread_id = \(post.thread) AND level = 'muted'
            UNION
            SELECT b.user_id FROM board_watches b WHERE b.board_id = \(post.board) AND b.level = 'muted'
              AND NOT EXISTS (SELECT 1 FROM thread_watches w WHERE w.thread_id = \(post.thread) AND w.user_id = b.user_id)
            """, logger: logger) { try $0.int64("user_id") })
        done.insert(post.author)
        for (userId, kind) in recipients where done.insert(userId).inserted {
            try await notify(connection, .init(userId: userId, kind: kind, threadId: post.thread, postId: postId,
                                               boardId: kind == .newThread ? post.board : nil, actorId: post.author), at: now)
        }
    }

    /// Opening a thread or replying in it watches it, when the member's setting says so and
    /// they chose no level for it themselves.
    func watchParticipated(_ connection: PostgresConnection, threadId: Int64, userId: Int64, at now: Int64) async throws {
        try await connection.run("""
            INSERT INTO thread_watches (thread_id, user_id, level, created_at)
            SELECT \(threadId), id, 'watching', \(now) FROM users WHERE id = \(userId) AND watch_participation
            ON CONFLICT (thread_id, user_id) DO NOTHING
            """, logger: logger)
    }

    /// Queues the mail `notificationId` calls for, as `AppDatabase.queueNotificationMail` does.
    func queueNotificationMail(_ connection: PostgresConnection, userId: Int64, notificationId: Int64, replacing: Int64?,
                               at now: Int64) async throws {
        guard let schedule = notificationMail.value,
              let member = try await connection.one("""
                  SELECT m.mail_notifications, m.address, u.language FROM member_email m JOIN users u ON u.id = m.user_id
                  WHERE m.user_id = \(userId) AND m.address IS NOT NULL
                  """, logger: logger, { row in
                      (choice: MailNotifications(rawValue: try row.string("mail_notifications")), address: try row.string("address"),
                       language: try row.optionalString("language").flatMap(Language.init(rawValue:)) ?? .es)
                  }),
              let choice = member.choice, choice != .none
        else { return }
        // A digest already due may be leaving now without this one: only a later one counts as waiting.
        let pending = try await connection.one("""
            SELECT id FROM mail_outbox WHERE user_id = \(userId) AND outcome IS NULL
              AND CASE kind WHEN 'digest' THEN \(choice.rawValue) = 'daily' AND due_at > \(now)
                            WHEN 'notification' THEN \(choice.rawValue) = 'each' AND payload = \(replacing.map(String.init) ?? "")
                            ELSE false END
            LIMIT 1
            """, logger: logger) { try $0.int64("id") }
        if let pending {
            if choice == .each {
                try await connection.run("UPDATE mail_outbox SET payload = \(String(notificationId)) WHERE id = \(pending)", logger: logger)
            }
            return
        }
        // The batch was mailed already (or began before the member chose mail): it waits to be read.
        if choice == .each, replacing != nil { return }
        let date = Date(unixSeconds: now)
        let due = choice == .daily ? schedule.digestDue(after: date) : date.addingTimeInterval(schedule.delay)
        let kind: MailKind = choice == .daily ? .digest : .notification
        try await connection.run("""
            INSERT INTO mail_outbox (user_id, kind, recipient, language, payload, created_at, due_at)
            VALUES (\(userId), \(kind.rawValue), \(member.address), \(member.language.rawValue), \(String(notificationId)), \(now),
                    \(due.unixSeconds))
            """, logger: logger)
    }
}
