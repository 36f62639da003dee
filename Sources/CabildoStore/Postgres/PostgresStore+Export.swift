import CabildoCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Everything kept about the member, as `AppDatabase.memberExport`: its several queries run in
    /// one snapshot (`read`), so a post edited or endorsed meanwhile is either wholly in the file or not.
    public func memberExport(userId: Int64) async throws -> MemberExport? {
        try await read { connection -> MemberExport? in
            guard let user = try await connection.one("SELECT * FROM users WHERE id = \(userId)", logger: logger, User.init(columns:))
            else { return nil }
            let email = try await connection.one("""
                SELECT address IS NOT NULL AS confirmed, mail_notifications FROM member_email WHERE user_id = \(userId)
                """, logger: logger) { (confirmed: try $0.bool("confirmed"), choice: try $0.string("mail_notifications")) }
            let twoFactorSince = try await connection.one("SELECT enabled_at FROM two_factor WHERE user_id = \(userId)", logger: logger) {
                try $0.optionalDate("enabled_at")
            } ?? nil
            let profile = MemberExport.Profile(
                username: user.username, role: user.role.rawValue, stakeholder: user.stakeholder.rawValue,
                language: user.language?.rawValue, joined: user.createdAt, suspendedUntil: user.suspendedUntil,
                suspensionReason: user.suspensionReason, twoFactorSince: twoFactorSince, closedAt: user.closedAt,
                watchesParticipation: user.watchesParticipation, emailConfirmed: email?.confirmed ?? false,
                mailNotifications: email?.choice ?? MailNotifications.each.rawValue,
                department: user.department?.rawValue, showDepartment: user.showsDepartment)
            return MemberExport(profile: profile, posts: try await exportedPosts(connection, userId: userId),
                                threads: try await exportedThreads(connection, userId: userId),
                                endorsements: try await exportedEndorsements(connection, userId: userId),
                                flags: try await exportedFlags(connection, userId: userId),
                                watches: try await exportedWatches(connection, userId: userId),
                                appeals: try await exportedAppeals(connection, userId: userId))
        }
    }

    /// The member's posts, oldest first, each with the texts its edits replaced.
    private func exportedPosts(_ connection: PostgresConnection, userId: Int64) async throws -> [MemberExport.Post] {
        var revisions: [Int64: [MemberExport.Revision]] = [:]
        for (postId, revision) in try await connection.all("""
            SELECT r.post_id, r.body_markdown, r.created_at FROM post_revisions r JOIN posts p ON p.id = r.post_id
            WHERE p.author_id = \(userId) ORDER BY r.id
            """, logger: logger, {
                (try $0.int64("post_id"), MemberExport.Revision(markdown: try $0.string("body_markdown"), replacedAt: try $0.date("created_at")))
            }) {
            revisions[postId, default: []].append(revision)
        }
        return try await connection.all("""
            SELECT p.id, p.thread_id, t.title, p.parent_id, p.body_markdown, p.created_at, p.edited_at, p.deleted_at, p.held, p.hidden_at
            FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.author_id = \(userId) ORDER BY p.id
            """, logger: logger) {
            let id = try $0.int64("id")
            return MemberExport.Post(
                id: id, threadId: try $0.int64("thread_id"), threadTitle: try $0.string("title"), parentId: try $0.optionalInt64("parent_id"),
                markdown: try $0.string("body_markdown"), createdAt: try $0.date("created_at"), editedAt: try $0.optionalDate("edited_at"),
                deletedAt: try $0.optionalDate("deleted_at"), held: try $0.bool("held"), hiddenAt: try $0.optionalDate("hidden_at"),
                revisions: revisions[id] ?? [])
        }
    }

    private func exportedThreads(_ connection: PostgresConnection, userId: Int64) async throws -> [MemberExport.Thread] {
        try await connection.all("""
            SELECT t.id, b.slug, t.title, t.created_at, t.proposal FROM threads t JOIN boards b ON b.id = t.board_id
            WHERE t.author_id = \(userId) ORDER BY t.id
            """, logger: logger) {
            MemberExport.Thread(id: try $0.int64("id"), board: try $0.string("slug"), title: try $0.string("title"),
                                createdAt: try $0.date("created_at"), proposal: try $0.bool("proposal"))
        }
    }

    private func exportedEndorsements(_ connection: PostgresConnection, userId: Int64) async throws -> [MemberExport.Endorsement] {
        try await connection.all("""
            SELECT e.thread_id, t.title, e.stakeholder, e.created_at FROM endorsements e JOIN threads t ON t.id = e.thread_id
            WHERE e.user_id = \(userId) ORDER BY e.created_at, e.thread_id
            """, logger: logger) {
            MemberExport.Endorsement(threadId: try $0.int64("thread_id"), threadTitle: try $0.string("title"),
                                     stakeholder: try $0.string("stakeholder"), createdAt: try $0.date("created_at"))
        }
    }

    private func exportedFlags(_ connection: PostgresConnection, userId: Int64) async throws -> [MemberExport.Flag] {
        try await connection.all("""
            SELECT post_id, reason, note, created_at, resolved_at FROM flags WHERE user_id = \(userId) ORDER BY id
            """, logger: logger) {
            MemberExport.Flag(postId: try $0.int64("post_id"), reason: try $0.string("reason"), note: try $0.string("note"),
                              createdAt: try $0.date("created_at"), resolvedAt: try $0.optionalDate("resolved_at"))
        }
    }

    /// Boards first, then threads. A thread the member watched but may no longer see (unlisted,
    /// not theirs) keeps its number, not its title.
    private func exportedWatches(_ connection: PostgresConnection, userId: Int64) async throws -> [MemberExport.Watch] {
        let boards = try await connection.all("""
            SELECT b.slug, w.level, w.created_at FROM board_watches w JOIN boards b ON b.id = w.board_id
            WHERE w.user_id = \(userId) ORDER BY w.created_at, b.slug
            """, logger: logger) {
            MemberExport.Watch(threadId: nil, threadTitle: nil, board: try $0.string("slug"), level: try $0.string("level"),
                               since: try $0.date("created_at"))
        }
        let threads = try await connection.all("""
            SELECT w.thread_id, CASE WHEN t.listed OR t.author_id = w.user_id THEN t.title END AS title, w.level, w.created_at
            FROM thread_watches w JOIN threads t ON t.id = w.thread_id WHERE w.user_id = \(userId) ORDER BY w.created_at, w.thread_id
            """, logger: logger) {
            MemberExport.Watch(threadId: try $0.int64("thread_id"), threadTitle: try $0.optionalString("title"), board: nil,
                               level: try $0.string("level"), since: try $0.date("created_at"))
        }
        return boards + threads
    }

    private func exportedAppeals(_ connection: PostgresConnection, userId: Int64) async throws -> [MemberExport.Appeal] {
        try await connection.all("""
            SELECT post_id, text, created_at, outcome, resolved_at FROM appeals WHERE user_id = \(userId) ORDER BY created_at, post_id
            """, logger: logger) {
            MemberExport.Appeal(postId: try $0.int64("post_id"), text: try $0.string("text"), createdAt: try $0.date("created_at"),
                                outcome: try $0.optionalString("outcome"), resolvedAt: try $0.optionalDate("resolved_at"))
        }
    }
}
