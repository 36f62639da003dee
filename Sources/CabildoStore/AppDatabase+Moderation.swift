import CabildoCore
import Foundation
import GRDB

/// Staff actions, flags and the public log. Every action writes its log line in the same
/// transaction, so nothing a moderator does can happen silently.
extension AppDatabase {
    /// The actor's role is checked again inside the transaction (`StoreError.notPermitted`):
    /// two admins demoting each other at once must not both succeed, and the last admin is
    /// never demoted (`StoreError.lastAdmin`).
    public func apply(_ action: ModerationAction, by actorId: Int64, reason: String, at date: Date) async throws {
        _ = try await write(changing: { _, changes in changes }) { db -> WriteChanges in
            let now = date.unixSeconds
            try Self.checkActor(db, actorId, for: action, at: now)
            // Read before it acts, while a moved thread is on its board of departure.
            let changes = try Self.changes(of: action, db)
            let line = try perform(db, action, by: actorId, reason: reason, at: now)
            try Self.log(db, line, actorId: actorId, reason: reason, at: now)
            return changes
        }
    }

    /// What an action leaves in the log.
    struct LogLine {
        var action: LogAction
        var kind: LogTargetKind
        var targetId: Int64
        var detail = ""
    }

    /// Does the action and tells whom it concerns (`notify` skips the actor's own content).
    private func perform(_ db: Database, _ action: ModerationAction, by actorId: Int64, reason: String,
                                at now: Int64) throws -> LogLine {
        switch action {
        case .hidePost(let id):
            try changePost(db, id: id, held: nil, hiddenAt: .some(now), at: now)
            try Self.resolveFlags(db, postId: id, at: now)
            try notifyAuthor(db, postId: id, .postHidden, actorId: actorId, reason: reason, at: now)
            return LogLine(action: .hidePost, kind: .post, targetId: id)
        case .restorePost(let id):
            // Restoring also publishes a held post: the moderator wants it seen.
            try changePost(db, id: id, held: false, hiddenAt: .some(nil), at: now)
            try Self.resolveFlags(db, postId: id, at: now)
            let upheld = try Self.resolveAppeal(db, postId: id, .upheld, at: now)
            try notifyAuthor(db, postId: id, upheld ? .appealUpheld : .postRestored, actorId: actorId, reason: reason, at: now)
            // The log says when a restore decided the author's request for review.
            return LogLine(action: .restorePost, kind: .post, targetId: id, detail: upheld ? "appeal" : "")
        case .approvePost(let id):
            try changePost(db, id: id, held: false, hiddenAt: nil, at: now)
            try notifyAuthor(db, postId: id, .postApproved, actorId: actorId, reason: reason, at: now)
            return LogLine(action: .approvePost, kind: .post, targetId: id)
        case .dismissAppeal(let id):
            guard try Self.resolveAppeal(db, postId: id, .dismissed, at: now) else { throw StoreError.notFound }
            try notifyAuthor(db, postId: id, .appealDismissed, actorId: actorId, reason: reason, at: now)
            return LogLine(action: .dismissAppeal, kind: .post, targetId: id)
        case .dismissFlags(let id):
            guard try Self.postExists(db, id) else { throw StoreError.notFound }
            try Self.resolveFlags(db, postId: id, at: now)
            return LogLine(action: .dismissFlags, kind: .post, targetId: id)
        case .lockThread(let id), .unlockThread(let id):
            let locking = action == .lockThread(id)
            try Self.updateOne(db, "UPDATE threads SET locked = ? WHERE id = ?", [locking, id])
            if locking { try notifyThreadAuthor(db, threadId: id, .threadLocked, actorId: actorId, reason: reason, at: now) }
            return LogLine(action: locking ? .lockThread : .unlockThread, kind: .thread, targetId: id)
        case .pinThread(let id), .unpinThread(let id):
            let pinning = action == .pinThread(id)
            try Self.updateOne(db, "UPDATE threads SET pinned = ? WHERE id = ?", [pinning, id])
            return LogLine(action: pinning ? .pinThread : .unpinThread, kind: .thread, targetId: id)
        case .markProposal(let id), .unmarkProposal(let id):
            let marking = action == .markProposal(id)
            try Self.updateOne(db, "UPDATE threads SET proposal = ? WHERE id = ?", [marking, id])
            return LogLine(action: marking ? .markProposal : .unmarkProposal, kind: .thread, targetId: id)
        case .moveThread(let id, let boardId):
            let from = try Int64.fetchOne(db.cached("SELECT board_id FROM threads WHERE id = ?"), arguments: [id])
            let detail = try Self.moveThread(db, id: id, to: boardId)
            if from != boardId {
                try notifyThreadAuthor(db, threadId: id, .threadMoved, boardId: boardId, actorId: actorId, reason: reason, at: now)
            }
            return LogLine(action: .moveThread, kind: .thread, targetId: id, detail: detail)
        case .suspendUser(let id, let until):
            let until = (until ?? Date.untilLifted).unixSeconds
            try Self.updateOne(db, "UPDATE users SET suspended_until = ?, suspension_reason = ? WHERE id = ? AND closed_at IS NULL",
                          [until, reason, id])
            // Signed-in suspended members keep reading; their sessions stay.
            return LogLine(action: .suspendUser, kind: .user, targetId: id,
                           detail: until == Date.untilLifted.unixSeconds ? "" : String(until))
        case .unsuspendUser(let id):
            try Self.updateOne(db, "UPDATE users SET suspended_until = NULL, suspension_reason = NULL WHERE id = ? AND closed_at IS NULL", [id])
            return LogLine(action: .unsuspendUser, kind: .user, targetId: id)
        case .setRole(let id, let role):
            // A closed account holds no role (the schema's CHECK), so it is not there to give one to.
            guard let old = try String.fetchOne(db.cached("SELECT role FROM users WHERE id = ? AND closed_at IS NULL"), arguments: [id]) else {
                throw StoreError.notFound
            }
            try Self.updateOne(db, "UPDATE users SET role = ? WHERE id = ?", [role.rawValue, id])
            return LogLine(action: .setRole, kind: .user, targetId: id, detail: "\(old) → \(role.rawValue)")
        case .createBoard, .renameBoard, .moveBoard, .archiveBoard, .unarchiveBoard, .scheduleBoard, .setBoardPanel:
            return try Self.performBoardAction(db, action)
        case .addWatchedWord(let phrase, let response):
            do {
                try db.cached("INSERT INTO watched_words (phrase, response, created_at) VALUES (?, ?, ?)").execute(arguments: [phrase, response.rawValue, now])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw StoreError.duplicateWord
            }
            // The log says a word was added and what it does, never the word: the list is not handed to spammers.
            return LogLine(action: .addWatchedWord, kind: .word, targetId: db.lastInsertedRowID, detail: response.rawValue)
        case .removeWatchedWord(let id):
            try Self.updateOne(db, "DELETE FROM watched_words WHERE id = ?", [id])
            return LogLine(action: .removeWatchedWord, kind: .word, targetId: id)
        }
    }

    /// The actor is staff and not suspended now, and an admin for administration; a role change
    /// leaves at least one admin.
    private static func checkActor(_ db: Database, _ actorId: Int64, for action: ModerationAction, at now: Int64) throws {
        guard let actor = try Row.fetchOne(db.cached("SELECT role, suspended_until FROM users WHERE id = ?"), arguments: [actorId]),
              let role = Role(rawValue: actor["role"]) else { throw StoreError.notPermitted }
        let suspended = (actor["suspended_until"] as Int64?).map { $0 > now } ?? false
        guard !suspended, role == .admin || (role == .moderator && !action.needsAdmin) else { throw StoreError.notPermitted }
        if case .setRole(let target, let newRole) = action, newRole != .admin {
            let admins = try Int.fetchOne(db.cached("SELECT COUNT(*) FROM users WHERE role = 'admin'")) ?? 0
            let targetIsAdmin = try String.fetchOne(db.cached("SELECT role FROM users WHERE id = ?"), arguments: [target]) == "admin"
            if targetIsAdmin && admins <= 1 { throw StoreError.lastAdmin }
        }
    }

    static func log(_ db: Database, _ line: LogLine, actorId: Int64?, reason: String, at now: Int64) throws {
        try db.cached("""
            INSERT INTO moderation_log (created_at, actor_id, action, target_kind, target_id, detail, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [now, actorId, line.action.rawValue, line.kind.rawValue, line.targetId, line.detail, reason])
    }

    /// Runs an UPDATE or DELETE that must touch exactly one row.
    static func updateOne(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws {
        try db.cached(sql).execute(arguments: arguments)
        guard db.changesCount == 1 else { throw StoreError.notFound }
    }

    private static func postExists(_ db: Database, _ id: Int64) throws -> Bool {
        try Bool.fetchOne(db.cached("SELECT 1 FROM posts WHERE id = ?"), arguments: [id]) ?? false
    }

    private static func resolveFlags(_ db: Database, postId: Int64, at now: Int64) throws {
        try db.cached("UPDATE flags SET resolved_at = ? WHERE post_id = ? AND resolved_at IS NULL").execute(arguments: [now, postId])
    }

    /// Moves a post between held, published and hidden, keeping in step what depends on it:
    /// board and thread counters (published posts), the thread's listing (its opening post)
    /// and the search index (visible posts). `nil` leaves a field as it is.
    func changePost(_ db: Database, id: Int64, held newHeld: Bool?, hiddenAt newHidden: Int64??, at now: Int64) throws {
        guard let row = try Row.fetchOne(db.cached("""
            SELECT p.held, p.hidden_at, p.deleted_at, p.parent_id, p.thread_id, p.body_markdown, t.board_id, t.title, t.listed
            FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.id = ?
            """), arguments: [id]) else { throw StoreError.notFound }
        let (wasHeld, wasHidden): (Bool, Int64?) = (row["held"], row["hidden_at"])
        let held = newHeld ?? wasHeld
        let hidden = newHidden ?? wasHidden
        let deleted = (row["deleted_at"] as Int64?) != nil
        let threadId: Int64 = row["thread_id"], boardId: Int64 = row["board_id"]
        let isOpening = (row["parent_id"] as Int64?) == nil
        let harvest = try HarvestChange(db, post: id)
        // Any change of hiding clears the automatic mark; `flag` sets it after hiding.
        try db.cached("UPDATE posts SET held = ?, hidden_at = ?, hidden_automatically = 0 WHERE id = ?").execute(arguments: [held, hidden, id])

        if wasHeld && !held {
            try db.cached("UPDATE boards SET post_count = post_count + 1, last_post_at = max(coalesce(last_post_at, 0), ?) WHERE id = ?").execute(arguments: [now, boardId])
            try db.cached("""
                UPDATE threads SET reply_count = reply_count + ?, last_post_id = max(last_post_id, ?),
                last_post_at = max(last_post_at, ?) WHERE id = ?
                """).execute(arguments: [isOpening ? 0 : 1, id, now, threadId])
        } else if !wasHeld && held {
            // An edit sent a published post back for review: it stops counting until approved.
            try db.cached("UPDATE boards SET post_count = post_count - 1 WHERE id = ?").execute(arguments: [boardId])
            try db.cached("UPDATE threads SET reply_count = reply_count - ? WHERE id = ?").execute(arguments: [isOpening ? 0 : 1, threadId])
        }
        if isOpening {
            let listed = !held && hidden == nil
            if listed != row["listed"] {
                try db.cached("UPDATE threads SET listed = ? WHERE id = ?").execute(arguments: [listed, threadId])
                try db.cached("UPDATE boards SET thread_count = thread_count + ? WHERE id = ?").execute(arguments: [listed ? 1 : -1, boardId])
            }
        }
        let wasSearchable = !wasHeld && wasHidden == nil && !deleted
        let searchable = !held && hidden == nil && !deleted
        if searchable && !wasSearchable {
            try db.cached("INSERT INTO post_search (rowid, title, body) VALUES (?, ?, ?)").execute(arguments: [id, isOpening ? row["title"] : "", row["body_markdown"]])
            // Published at last (approved, or restored while held): its readers learn of it now, once.
            try announce(db, postId: id, at: now)
        } else if wasSearchable && !searchable {
            try db.cached("DELETE FROM post_search WHERE rowid = ?").execute(arguments: [id])
            try Self.forgetNotifications(db, postId: id)
            if isOpening { try Self.forgetNotifications(db, threadId: threadId) }
        }
        try harvest.commit(db)
    }

    /// Returns "from → to" board slugs for the log.
    private static func moveThread(_ db: Database, id: Int64, to boardId: Int64) throws -> String {
        guard let from = try Int64.fetchOne(db.cached("SELECT board_id FROM threads WHERE id = ?"), arguments: [id]),
              let toSlug = try String.fetchOne(db.cached("SELECT slug FROM boards WHERE id = ?"), arguments: [boardId]),
              let fromSlug = try String.fetchOne(db.cached("SELECT slug FROM boards WHERE id = ?"), arguments: [from]) else {
            throw StoreError.notFound
        }
        guard from != boardId else { return "\(fromSlug) → \(toSlug)" }
        let listed = try Int.fetchOne(db.cached("SELECT listed FROM threads WHERE id = ?"), arguments: [id]) ?? 0
        let published = try Int.fetchOne(db.cached("SELECT COUNT(*) FROM posts WHERE thread_id = ? AND held = 0"), arguments: [id]) ?? 0
        try db.cached("UPDATE boards SET thread_count = thread_count - ?, post_count = post_count - ? WHERE id = ?").execute(arguments: [listed, published, from])
        try db.cached("""
            UPDATE boards SET thread_count = thread_count + ?, post_count = post_count + ?,
            last_post_at = max(coalesce(last_post_at, 0), (SELECT last_post_at FROM threads WHERE id = ?)) WHERE id = ?
            """).execute(arguments: [listed, published, id, boardId])
        let harvest = try HarvestChange(db, thread: id)
        try db.cached("UPDATE threads SET board_id = ? WHERE id = ?").execute(arguments: [boardId, id])
        try harvest.commit(db)
        return "\(fromSlug) → \(toSlug)"
    }

    // MARK: Flags

    /// Records a flag, and hides the post when `rule` says the established members' open
    /// flags are enough. Flags from new accounts are recorded (moderators see them) but do not
    /// count; a staff member's post is never hidden by flags, only queued.
    public func flag(postId: Int64, by userId: Int64, reason: FlagReason, note: String, rule: AutoHideRule,
                     at date: Date) async throws -> FlagOutcome {
        try await write(changing: { db, _ in try Self.postChanged(db, postId) }) { db in
            let now = date.unixSeconds
            guard let post = try Row.fetchOne(db.cached("""
                SELECT p.hidden_at, u.role FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = ? AND p.deleted_at IS NULL
                """), arguments: [postId]) else { throw StoreError.notFound }
            do {
                try db.cached("INSERT INTO flags (post_id, user_id, reason, note, created_at) VALUES (?, ?, ?, ?, ?)").execute(arguments: [postId, userId, reason.rawValue, note, now])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw StoreError.alreadyFlagged
            }
            let counted = try Int.fetchOne(db.cached("""
                SELECT COUNT(*) FROM flags f JOIN users u ON u.id = f.user_id
                WHERE f.post_id = ? AND f.resolved_at IS NULL AND u.created_at <= ?
                  AND (SELECT COUNT(*) FROM (SELECT 1 FROM posts WHERE author_id = u.id AND held = 0 AND deleted_at IS NULL LIMIT ?)) >= ?
                """), arguments: [postId, now - Int64(rule.minimumAccountAge), rule.minimumPublishedPosts, rule.minimumPublishedPosts]) ?? 0
            let authorRole = Role(rawValue: post["role"]) ?? .member
            guard (post["hidden_at"] as Int64?) == nil, rule.hides(countedFlags: counted, authorRole: authorRole) else { return .recorded }
            try changePost(db, id: postId, held: nil, hiddenAt: .some(now), at: now)
            try db.cached("UPDATE posts SET hidden_automatically = 1 WHERE id = ?").execute(arguments: [postId])
            try notifyAuthor(db, postId: postId, .postHidden, actorId: nil, reason: "flags: \(counted)", at: now)
            try Self.log(db, LogLine(action: .autoHidePost, kind: .post, targetId: postId, detail: String(counted)),
                         actorId: nil, reason: "flags: \(counted)", at: now)
            return .hidden
        }
    }

    // MARK: Reading

    public func moderationQueue(limit: Int) async throws -> [QueueItem] {
        try await read { db in
            let posts = try Row.fetchAll(db.cached("""
                SELECT \(Self.postColumns), t.title AS thread_title
                FROM posts p JOIN users u ON u.id = p.author_id JOIN threads t ON t.id = p.thread_id
                WHERE p.deleted_at IS NULL AND p.id IN (
                    SELECT post_id FROM flags WHERE resolved_at IS NULL
                    UNION SELECT id FROM posts WHERE held = 1 AND hidden_at IS NULL
                    UNION SELECT post_id FROM appeals WHERE resolved_at IS NULL)
                ORDER BY p.id DESC LIMIT ?
                """), arguments: [limit])
            return try posts.map { row in
                let post = Post(row: row)
                return QueueItem(post: post, threadTitle: row["thread_title"], flags: try Self.fetchOpenFlags(db, postId: post.id),
                                 appeal: try Self.fetchOpenAppeal(db, postId: post.id))
            }
        }
    }

    public func openFlags(postId: Int64) async throws -> [Flag] {
        try await read { db in try Self.fetchOpenFlags(db, postId: postId) }
    }

    public func openAppeal(postId: Int64) async throws -> Appeal? {
        try await read { db in try Self.fetchOpenAppeal(db, postId: postId) }
    }

    private static func fetchOpenFlags(_ db: Database, postId: Int64) throws -> [Flag] {
        try Row.fetchAll(db.cached("""
            SELECT \(shownName("u")) AS username, f.reason, f.note, f.created_at FROM flags f JOIN users u ON u.id = f.user_id
            WHERE f.post_id = ? AND f.resolved_at IS NULL ORDER BY f.id
            """), arguments: [postId]).map {
            Flag(flaggerName: $0["username"], reason: FlagReason(rawValue: $0["reason"]) ?? .other,
                 note: $0["note"], createdAt: $0.date("created_at"))
        }
    }

    public func moderationLog(before: Int64?, limit: Int) async throws -> [LogEntry] {
        try await read { db in
            try Row.fetchAll(db.cached("""
                SELECT l.*, \(Self.shownName("a")) AS actor_name, t.id AS thread_id,
                       -- The log is public: an unlisted thread's title is for its author and staff only.
                       CASE WHEN t.listed = 1 THEN t.title END AS thread_title,
                       \(Self.shownName("tu")) AS user_name, b.slug AS board_slug, b.title_es, b.title_en
                FROM moderation_log l
                LEFT JOIN users a ON a.id = l.actor_id
                LEFT JOIN posts p ON l.target_kind = 'post' AND p.id = l.target_id
                LEFT JOIN threads t ON t.id = CASE l.target_kind WHEN 'thread' THEN l.target_id WHEN 'post' THEN p.thread_id END
                LEFT JOIN users tu ON l.target_kind = 'user' AND tu.id = l.target_id
                LEFT JOIN boards b ON l.target_kind = 'board' AND b.id = l.target_id
                WHERE l.id < ? ORDER BY l.id DESC LIMIT ?
                """), arguments: [before ?? Int64.max, limit]).compactMap { row in
                guard let action = LogAction(rawValue: row["action"]),
                      let kind = LogTargetKind(rawValue: row["target_kind"]) else { return nil }
                let actor: LogActor = (row["actor_id"] as Int64?) == nil ? .forum
                    : (row["actor_name"] as String?).map { .member(name: $0) } ?? .closedAccount
                return LogEntry(
                    id: row["id"], createdAt: row.date("created_at"), actor: actor, action: action,
                    targetKind: kind, targetId: row["target_id"], threadId: row["thread_id"], threadTitle: row["thread_title"],
                    userName: row["user_name"], boardSlug: row["board_slug"], boardTitleES: row["title_es"],
                    boardTitleEN: row["title_en"], detail: row["detail"], reason: row["reason"])
            }
        }
    }

    public func watchedWords() async throws -> [WatchedWord] {
        try await read { db in
            try Row.fetchAll(db.cached("SELECT id, phrase, response FROM watched_words ORDER BY phrase")).map {
                WatchedWord(id: $0["id"], phrase: $0["phrase"], response: WatchedWord.Response(rawValue: $0["response"]) ?? .hold)
            }
        }
    }

    public func publishedPostCount(authorId: Int64, upTo: Int) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db.cached("SELECT COUNT(*) FROM (SELECT 1 FROM posts WHERE author_id = ? AND held = 0 LIMIT ?)"),
                             arguments: [authorId, upTo]) ?? 0
        }
    }
}
