import CabildoCore
import Foundation
import GRDB

/// Notifications: written inside the transaction of what caused them (a post, a moderator's
/// action, an endorsement, a synthesis), read by `/notifications` and counted in the header.
///
/// The rules live here, once: nobody is notified of their own action, a closed account of
/// anything, a muted thread of nothing; a post is announced to its readers once, when it is
/// first published (a post held for review, when it is approved; an edit never); and when a
/// post stops being visible (hidden, held again, deleted, its thread unlisted) the
/// notifications it gave others go, so none leads anyone to what they may not see.
extension AppDatabase {
    /// `NotificationKind.conversation` as an SQL list (constants, not values from a request).
    static let conversationKinds = "(" + NotificationKind.conversation.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    /// One notification to write.
    struct NotificationDraft {
        var userId: Int64
        var kind: NotificationKind
        var threadId: Int64
        var postId: Int64?
        var boardId: Int64?
        /// Who caused it; nil for the forum itself, and for endorsements (who endorses is not said).
        var actorId: Int64?
        var reason: String?
    }

    /// Writes `draft`, or for a batched kind adds one to the member's unread notification of that
    /// kind in that thread (moved to the top: it is news again). Nothing for the member's own
    /// action or for a closed account.
    func notify(_ db: Database, _ draft: NotificationDraft, at now: Int64) throws {
        guard draft.actorId != draft.userId,
              try Bool.fetchOne(db.cached("SELECT closed_at IS NULL FROM users WHERE id = ?"), arguments: [draft.userId]) == true
        else { return }
        var draft = draft
        var count = 1
        var replaced: Int64?
        if draft.kind.isBatched, let unread = try Row.fetchOne(db.cached("""
            SELECT id, count, post_id, actor_id FROM notifications
            WHERE user_id = ? AND thread_id = ? AND kind = ? AND read_at IS NULL
            """), arguments: [draft.userId, draft.threadId, draft.kind.rawValue]) {
            // The batch keeps its first post and author: the link goes to the first new post.
            count = unread["count"] + 1
            draft.postId = unread["post_id"]
            draft.actorId = unread["actor_id"]
            replaced = unread["id"]
            try db.cached("DELETE FROM notifications WHERE id = ?").execute(arguments: [replaced])
        }
        try db.cached("""
            INSERT INTO notifications (user_id, kind, thread_id, post_id, board_id, actor_id, reason, count, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [draft.userId, draft.kind.rawValue, draft.threadId, draft.postId, draft.boardId,
                                     draft.actorId, draft.reason.map { String($0.prefix(500)) }, count, now])
        try queueNotificationMail(db, userId: draft.userId, notificationId: db.lastInsertedRowID, replacing: replaced, at: now)
    }

    /// Tells the author of a post what was done to it.
    func notifyAuthor(_ db: Database, postId: Int64, _ kind: NotificationKind, actorId: Int64?, reason: String?,
                             at now: Int64) throws {
        guard let post = try Row.fetchOne(db.cached("SELECT author_id, thread_id FROM posts WHERE id = ?"), arguments: [postId]) else {
            return
        }
        try notify(db, NotificationDraft(userId: post["author_id"], kind: kind, threadId: post["thread_id"], postId: postId,
                                         actorId: actorId, reason: reason), at: now)
    }

    /// Tells the author of a thread what was done to it.
    func notifyThreadAuthor(_ db: Database, threadId: Int64, _ kind: NotificationKind, boardId: Int64? = nil,
                                   actorId: Int64?, reason: String?, at now: Int64) throws {
        guard let author = try Int64.fetchOne(db.cached("SELECT author_id FROM threads WHERE id = ?"), arguments: [threadId]) else {
            return
        }
        try notify(db, NotificationDraft(userId: author, kind: kind, threadId: threadId, boardId: boardId, actorId: actorId,
                                         reason: reason), at: now)
    }

    /// Announces a newly published post, once: to the author of the post it answers, to the
    /// accounts it mentions (its `@name` links, so as shown), to the thread's author when it
    /// answers the opening post (in a batch), to the thread's watchers and, for an opening post,
    /// to the board's; each member once, by the first of these that applies.
    /// Does nothing for a post already announced, or not visible to everyone (held, hidden,
    /// deleted, in an unlisted thread).
    func announce(_ db: Database, postId: Int64, at now: Int64) throws {
        guard let post = try Row.fetchOne(db.cached("""
            SELECT p.author_id, p.thread_id, p.body_html, t.board_id, t.listed, t.author_id AS thread_author,
                   q.author_id AS parent_author,
                   q.parent_id IS NULL AS parent_opens
            FROM posts p JOIN threads t ON t.id = p.thread_id LEFT JOIN posts q ON q.id = p.parent_id
            WHERE p.id = ? AND p.announced = 0 AND p.held = 0 AND p.hidden_at IS NULL AND p.deleted_at IS NULL
            """), arguments: [postId]) else { return }
        try db.cached("UPDATE posts SET announced = 1 WHERE id = ?").execute(arguments: [postId])
        guard post["listed"] as Bool else { return }
        let (threadId, boardId): (Int64, Int64) = (post["thread_id"], post["board_id"])
        let parentAuthor: Int64? = post["parent_author"]

        // Most particular first: an answer to one's post, a mention, a reply to one's thread, watching.
        let answersOpening: Bool = post["parent_opens"]
        var recipients: [(Int64, NotificationKind)] = []
        if let parentAuthor, !answersOpening { recipients.append((parentAuthor, .reply)) }
        for name in Mentions.linkedUsernames(inHTML: post["body_html"]) {
            if let id = try Int64.fetchOne(db.cached("SELECT id FROM users WHERE username_key = ?"), arguments: [Rules.usernameKey(name)]) {
                recipients.append((id, .mention))
            }
        }
        if let parentAuthor, answersOpening { recipients.append((parentAuthor, .threadReply)) }
        // The thread's author, watching it, has one batch for all of it: replies to the thread.
        let threadAuthor: Int64 = post["thread_author"]
        recipients += try Int64.fetchAll(db.cached("SELECT user_id FROM thread_watches WHERE thread_id = ? AND level = 'watching'"),
                                         arguments: [threadId]).map { ($0, $0 == threadAuthor ? .threadReply : .watchedPost) }
        if parentAuthor == nil {
            recipients += try Int64.fetchAll(db.cached("SELECT user_id FROM board_watches WHERE board_id = ? AND level = 'watching'"),
                                             arguments: [boardId]).map { ($0, .newThread) }
        }
        var done = Set(try Self.mutedMembers(db, threadId: threadId, boardId: boardId))
        done.insert(post["author_id"])
        for (userId, kind) in recipients where done.insert(userId).inserted {
            try notify(db, NotificationDraft(userId: userId, kind: kind, threadId: threadId, postId: postId,
                                             boardId: kind == .newThread ? boardId : nil, actorId: post["author_id"]), at: now)
        }
    }

    /// Who muted the thread, or muted its board without choosing a level for the thread.
    private static func mutedMembers(_ db: Database, threadId: Int64, boardId: Int64) throws -> [Int64] {
        try Int64.fetchAll(db.cached("""
            SELECT user_id FROM thread_watches WHERE thread_id = ?1 AND level = 'muted'
            UNION
            SELECT b.user_id FROM board_watches b WHERE b.board_id = ?2 AND b.level = 'muted'
              AND NOT EXISTS (SELECT 1 FROM thread_watches w WHERE w.thread_id = ?1 AND w.user_id = b.user_id)
            """), arguments: [threadId, boardId])
    }

    /// A post stopped being visible to everyone: what it told others goes (its author keeps what
    /// staff did to it).
    static func forgetNotifications(_ db: Database, postId: Int64) throws {
        try db.cached("""
            DELETE FROM notifications WHERE post_id = ?1 AND user_id <> (SELECT author_id FROM posts WHERE id = ?1)
            """).execute(arguments: [postId])
    }

    /// A thread was unlisted: what its posts told others goes, but for its author, who still sees it.
    static func forgetNotifications(_ db: Database, threadId: Int64) throws {
        try db.cached("""
            DELETE FROM notifications WHERE post_id IN (SELECT id FROM posts WHERE thread_id = ?1)
              AND kind IN \(Self.conversationKinds)
              AND user_id <> (SELECT author_id FROM threads WHERE id = ?1)
            """).execute(arguments: [threadId])
    }

    // MARK: Reading

    public func notifications(userId: Int64, before: Int64?, limit: Int) async throws -> [ForumNotification] {
        try await read { db in
            try Self.fetchNotifications(db, userId: userId, where: "n.id < ?", [before ?? Int64.max], order: "n.id DESC", limit: limit)
        }
    }

    /// The member's notifications matching `filter` (SQL over `n`, written here, with `arguments`).
    static func fetchNotifications(_ db: Database, userId: Int64, where filter: String, _ arguments: StatementArguments,
                                   order: String, limit: Int) throws -> [ForumNotification] {
        try Row.fetchAll(db.cached("""
            SELECT \(Self.postColumns), n.id AS notification_id, n.kind, n.thread_id AS about_thread, t.title,
                   b.slug, b.title_es, b.title_en, n.actor_id, \(Self.shownName("a")) AS actor_name,
                   n.reason, n.count, n.created_at AS notified_at, n.read_at
            FROM notifications n JOIN threads t ON t.id = n.thread_id
            LEFT JOIN posts p ON p.id = n.post_id LEFT JOIN users u ON u.id = p.author_id
            LEFT JOIN boards b ON b.id = n.board_id LEFT JOIN users a ON a.id = n.actor_id
            WHERE n.user_id = ? AND \(filter) ORDER BY \(order) LIMIT ?
            """), arguments: [userId] + arguments + [limit]).compactMap { row in
            guard let kind = NotificationKind(rawValue: row["kind"]) else { return nil }
            let actor: LogActor? = (row["actor_id"] as Int64?).map { _ in
                (row["actor_name"] as String?).map { .member(name: $0) } ?? .closedAccount
            }
            return ForumNotification(
                id: row["notification_id"], kind: kind, threadId: row["about_thread"], threadTitle: row["title"],
                post: (row[0] as Int64?) == nil ? nil : Post(row: row), boardSlug: row["slug"], boardTitleES: row["title_es"],
                boardTitleEN: row["title_en"], actor: actor, reason: row["reason"], count: row["count"],
                createdAt: row.date("notified_at"), readAt: row.optionalDate("read_at"))
        }
    }

    /// How the member watches a thread, and what reading it would mark read
    /// (`markThreadNotificationsRead`), in one statement of the thread page's read: a member with
    /// unread notifications elsewhere does not write on every page.
    static func fetchFollowing(_ db: Database, threadId: Int64, userId: Int64) throws -> (level: WatchLevel, unread: Int) {
        let row = try Row.fetchOne(db.cached("""
            SELECT (SELECT level FROM thread_watches WHERE thread_id = ?1 AND user_id = ?2),
                   (SELECT COUNT(*) FROM notifications WHERE user_id = ?2 AND thread_id = ?1 AND read_at IS NULL
                      AND kind IN \(Self.conversationKinds))
            """), arguments: [threadId, userId])
        return ((row?[0] as String?).flatMap(WatchLevel.init(rawValue:)) ?? .normal, row?[1] ?? 0)
    }

    public func markNotificationsRead(userId: Int64, at date: Date) async throws {
        try await write(changes: .memberState) { db in
            try db.cached("UPDATE notifications INDEXED BY notifications_unread SET read_at = ? WHERE user_id = ? AND read_at IS NULL")
                .execute(arguments: [date.unixSeconds, userId])
        }
    }

    /// Reading a thread reads what its posts told the member (replies, mentions, new posts);
    /// what staff did stays unread until read on `/notifications`. Returns how many.
    public func markThreadNotificationsRead(userId: Int64, threadId: Int64, at date: Date) async throws -> Int {
        try await write(changes: .memberState) { db in
            try db.cached("""
                UPDATE notifications SET read_at = ? WHERE user_id = ? AND thread_id = ? AND read_at IS NULL
                  AND kind IN \(Self.conversationKinds)
                """).execute(arguments: [date.unixSeconds, userId, threadId])
            return db.changesCount
        }
    }
}
