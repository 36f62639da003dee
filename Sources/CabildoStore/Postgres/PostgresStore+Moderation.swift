import CabildoCore
import Foundation
import PostgresNIO

/// Staff actions with their log line, as `AppDatabase+Moderation`: every action, its log line
/// and the notifications it causes are one transaction, so nothing a moderator does can happen
/// silently. Where SQLite's single writer made a recheck safe, the rows rechecked are locked.
extension PostgresStore {
    /// The actor's role is checked again inside the transaction (`StoreError.notPermitted`): two
    /// admins demoting or suspending each other at once do not both succeed, and the last admin
    /// is never demoted (`StoreError.lastAdmin`).
    public func apply(_ action: ModerationAction, by actorId: Int64, reason: String, at date: Date) async throws {
        _ = try await writeRetryingMoves(changing: { _, changes in changes }) { connection -> WriteChanges in
            let now = date.unixSeconds
            try await checkActor(connection, actorId, for: action, at: now)
            // Read before it acts: a move's board of departure, which the move then holds it to.
            let changes = try await changes(of: action, connection)
            var from: Int64?
            if case .content(.moved(_, let departure, _)) = changes { from = departure }
            let line = try await perform(connection, action, by: actorId, reason: reason, at: now, movingFrom: from)
            try await log(connection, line, actorId: actorId, reason: reason, at: now)
            return changes
        }
    }

    /// Does the action and says what the log records.
    /// - Parameter movingFrom: for a move, the board the thread was on when `apply` read it.
    private func perform(_ connection: PostgresConnection, _ action: ModerationAction, by actorId: Int64, reason: String,
                         at now: Int64, movingFrom: Int64?) async throws -> AppDatabase.LogLine {
        switch action {
        case .hidePost(let id):
            try await changePost(connection, id: id, held: nil, hiddenAt: .some(now), at: now)
            try await resolveFlags(connection, postId: id, at: now)
            try await notifyAuthor(connection, postId: id, .postHidden, actorId: actorId, reason: reason, at: now)
            return .init(action: .hidePost, kind: .post, targetId: id)
        case .restorePost(let id):
            // Restoring also publishes a held post: the moderator wants it seen.
            try await changePost(connection, id: id, held: false, hiddenAt: .some(nil), at: now)
            try await resolveFlags(connection, postId: id, at: now)
            let upheld = try await resolveAppeal(connection, postId: id, .upheld, at: now)
            try await notifyAuthor(connection, postId: id, upheld ? .appealUpheld : .postRestored, actorId: actorId, reason: reason, at: now)
            // The log says when a restore decided the author's request for review.
            return .init(action: .restorePost, kind: .post, targetId: id, detail: upheld ? "appeal" : "")
        case .approvePost(let id):
            try await changePost(connection, id: id, held: false, hiddenAt: nil, at: now)
            try await notifyAuthor(connection, postId: id, .postApproved, actorId: actorId, reason: reason, at: now)
            return .init(action: .approvePost, kind: .post, targetId: id)
        case .dismissAppeal(let id):
            guard try await resolveAppeal(connection, postId: id, .dismissed, at: now) else { throw StoreError.notFound }
            try await notifyAuthor(connection, postId: id, .appealDismissed, actorId: actorId, reason: reason, at: now)
            return .init(action: .dismissAppeal, kind: .post, targetId: id)
        case .dismissFlags(let id):
            // Share-locked: a flag being counted for this post (`flag` locks it) finishes first, or waits.
            guard try await connection.one("SELECT 1 AS found FROM posts WHERE id = \(id) FOR SHARE", logger: logger,
                                           { try $0.int("found") }) != nil else { throw StoreError.notFound }
            try await resolveFlags(connection, postId: id, at: now)
            return .init(action: .dismissFlags, kind: .post, targetId: id)
        case .lockThread(let id), .unlockThread(let id):
            let locking = action == .lockThread(id)
            try await updateOne(connection, "UPDATE threads SET locked = \(locking) WHERE id = \(id) RETURNING id")
            if locking { try await notifyThreadAuthor(connection, threadId: id, .threadLocked, actorId: actorId, reason: reason, at: now) }
            return .init(action: locking ? .lockThread : .unlockThread, kind: .thread, targetId: id)
        case .pinThread(let id), .unpinThread(let id):
            let pinning = action == .pinThread(id)
            try await updateOne(connection, "UPDATE threads SET pinned = \(pinning) WHERE id = \(id) RETURNING id")
            return .init(action: pinning ? .pinThread : .unpinThread, kind: .thread, targetId: id)
        case .markProposal(let id), .unmarkProposal(let id):
            let marking = action == .markProposal(id)
            try await updateOne(connection, "UPDATE threads SET proposal = \(marking) WHERE id = \(id) RETURNING id")
            return .init(action: marking ? .markProposal : .unmarkProposal, kind: .thread, targetId: id)
        case .moveThread(let id, let boardId):
            guard let from = movingFrom else { throw StoreError.notFound }
            let move = try await moveThread(connection, id: id, from: from, to: boardId)
            if move.moved {
                try await notifyThreadAuthor(connection, threadId: id, .threadMoved, boardId: boardId, actorId: actorId, reason: reason,
                                             at: now)
            }
            return .init(action: .moveThread, kind: .thread, targetId: id, detail: move.detail)
        case .suspendUser(let id, let until):
            let until = (until ?? Date.untilLifted).unixSeconds
            try await updateOne(connection, """
                UPDATE users SET suspended_until = \(until), suspension_reason = \(reason) WHERE id = \(id) AND closed_at IS NULL RETURNING id
                """)
            // Signed-in suspended members keep reading; their sessions stay.
            return .init(action: .suspendUser, kind: .user, targetId: id, detail: until == Date.untilLifted.unixSeconds ? "" : String(until))
        case .unsuspendUser(let id):
            try await updateOne(connection, """
                UPDATE users SET suspended_until = NULL, suspension_reason = NULL WHERE id = \(id) AND closed_at IS NULL RETURNING id
                """)
            return .init(action: .unsuspendUser, kind: .user, targetId: id)
        case .setRole(let id, let role):
            // A closed account holds no role (the schema's CHECK), so it is not there to give one to.
            guard let old = try await connection.one("SELECT role FROM users WHERE id = \(id) AND closed_at IS NULL", logger: logger,
                                                      { try $0.string("role") }) else { throw StoreError.notFound }
            try await updateOne(connection, "UPDATE users SET role = \(role.rawValue) WHERE id = \(id) RETURNING id")
            return .init(action: .setRole, kind: .user, targetId: id, detail: "\(old) → \(role.rawValue)")
        case .createBoard, .renameBoard, .moveBoard, .archiveBoard, .unarchiveBoard, .scheduleBoard, .setBoardPanel:
            return try await performBoardAction(connection, action)
        case .addWatchedWord(let phrase, let response):
            guard let id = try await connection.one("""
                INSERT INTO watched_words (phrase, response, created_at) VALUES (\(phrase), \(response.rawValue), \(now))
                ON CONFLICT (phrase) DO NOTHING RETURNING id
                """, logger: logger, { try $0.int64("id") }) else { throw StoreError.duplicateWord }
            // The log says a word was added and what it does, never the word: the list is not handed to spammers.
            return .init(action: .addWatchedWord, kind: .word, targetId: id, detail: response.rawValue)
        case .removeWatchedWord(let id):
            try await updateOne(connection, "DELETE FROM watched_words WHERE id = \(id) RETURNING id")
            return .init(action: .removeWatchedWord, kind: .word, targetId: id)
        }
    }

    /// The actor is staff and not suspended now, and an admin for administration; a role change
    /// leaves at least one admin.
    ///
    /// The actor's row is share-locked, so a demotion or suspension of the actor either landed
    /// before (and is seen here) or waits for this action. An action on an account locks the
    /// actor's and the target's rows together, in id order, and a demotion every admin's row
    /// too: two admins demoting or suspending each other take turns (the second finds itself
    /// without the role) instead of deadlocking, and two demotions of the last two admins cannot
    /// both count two admins.
    private func checkActor(_ connection: PostgresConnection, _ actorId: Int64, for action: ModerationAction,
                            at now: Int64) async throws {
        var target: Int64?
        var demotes = false
        switch action {
        case .setRole(let id, let role):
            target = id
            demotes = role != .admin
        case .suspendUser(let id, _), .unsuspendUser(let id): target = id
        default: break
        }
        let decode = { (row: Columns) in
            (id: try row.int64("id"), role: try row.string("role"), suspendedUntil: try row.optionalInt64("suspended_until"))
        }
        let rows = if let target {
            try await connection.all("""
                SELECT id, role, suspended_until FROM users WHERE id = \(actorId) OR id = \(target) OR (\(demotes) AND role = 'admin')
                ORDER BY id FOR NO KEY UPDATE
                """, logger: logger, decode)
        } else {
            try await connection.all("SELECT id, role, suspended_until FROM users WHERE id = \(actorId) FOR SHARE", logger: logger, decode)
        }
        guard let actor = rows.first(where: { $0.id == actorId }), let role = Role(rawValue: actor.role) else {
            throw StoreError.notPermitted
        }
        let suspended = actor.suspendedUntil.map { $0 > now } ?? false
        guard !suspended, role == .admin || (role == .moderator && !action.needsAdmin) else { throw StoreError.notPermitted }
        if demotes {
            let admins = rows.filter { $0.role == Role.admin.rawValue }.count
            let targetIsAdmin = rows.contains { $0.id == target && $0.role == Role.admin.rawValue }
            if targetIsAdmin && admins <= 1 { throw StoreError.lastAdmin }
        }
    }

    /// Moves a thread with its counts; "from → to" board slugs for the log, and whether it
    /// changed boards. Both boards are locked in id order, then the thread, as `lockPost` locks
    /// a board before a thread: a move and a reply or a hide in the thread wait for each other.
    /// `from` is the board the thread was read on; a move that landed since makes the write run again.
    private func moveThread(_ connection: PostgresConnection, id: Int64, from: Int64, to boardId: Int64) async throws -> (detail: String, moved: Bool) {
        let locked = try await connection.all("""
            SELECT id, slug FROM boards WHERE id = \(from) OR id = \(boardId) ORDER BY id FOR NO KEY UPDATE
            """, logger: logger) { (try $0.int64("id"), try $0.string("slug")) }
        let slugs = Dictionary(uniqueKeysWithValues: locked)
        guard let fromSlug = slugs[from], let toSlug = slugs[boardId] else { throw StoreError.notFound }
        guard let listed = try await connection.one("""
            SELECT listed FROM threads WHERE id = \(id) AND board_id = \(from) FOR NO KEY UPDATE
            """, logger: logger, { try $0.bool("listed") }) else { throw ThreadMovedMeanwhile() }
        let detail = "\(fromSlug) → \(toSlug)"
        guard from != boardId else { return (detail, false) }
        let published = try await connection.one("SELECT COUNT(*) AS published FROM posts WHERE thread_id = \(id) AND NOT held",
                                                  logger: logger) { try $0.int64("published") } ?? 0
        let threads: Int64 = listed ? 1 : 0
        try await connection.run("""
            UPDATE boards SET thread_count = thread_count - \(threads), post_count = post_count - \(published) WHERE id = \(from)
            """, logger: logger)
        try await connection.run("""
            UPDATE boards SET thread_count = thread_count + \(threads), post_count = post_count + \(published),
            last_post_at = GREATEST(coalesce(last_post_at, 0), (SELECT last_post_at FROM threads WHERE id = \(id))) WHERE id = \(boardId)
            """, logger: logger)
        let harvest = try await PostgresHarvestChange(self, connection, thread: id)
        try await connection.run("UPDATE threads SET board_id = \(boardId) WHERE id = \(id)", logger: logger)
        try await harvest.commit(self, connection)
        return (detail, true)
    }

    /// Tells the author of a thread what was done to it.
    private func notifyThreadAuthor(_ connection: PostgresConnection, threadId: Int64, _ kind: NotificationKind, boardId: Int64? = nil,
                                    actorId: Int64?, reason: String?, at now: Int64) async throws {
        guard let author = try await connection.one("SELECT author_id FROM threads WHERE id = \(threadId)", logger: logger,
                                                    { try $0.int64("author_id") }) else { return }
        try await notify(connection, .init(userId: author, kind: kind, threadId: threadId, boardId: boardId, actorId: actorId,
                                           reason: reason), at: now)
    }

    func log(_ connection: PostgresConnection, _ line: AppDatabase.LogLine, actorId: Int64?, reason: String, at now: Int64) async throws {
        try await connection.run("""
            INSERT INTO moderation_log (created_at, actor_id, action, target_kind, target_id, detail, reason)
            VALUES (\(now), \(actorId), \(line.action.rawValue), \(line.kind.rawValue), \(line.targetId), \(line.detail), \(reason))
            """, logger: logger)
    }

    /// Runs an UPDATE or DELETE `... RETURNING` that must touch exactly one row.
    func updateOne(_ connection: PostgresConnection, _ query: PostgresQuery) async throws {
        guard try await connection.count(query, logger: logger) == 1 else { throw StoreError.notFound }
    }
}
