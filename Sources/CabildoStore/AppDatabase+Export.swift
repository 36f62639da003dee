import CabildoCore
import Foundation
import GRDB

extension AppDatabase {
    public func memberExport(userId: Int64) async throws -> MemberExport? {
        try await read { db -> MemberExport? in
            guard let row = try Row.fetchOne(db.cached("SELECT * FROM users WHERE id = ?"), arguments: [userId]) else { return nil }
            let user = User(row: row)
            let email = try Row.fetchOne(db.cached("SELECT address IS NOT NULL AS confirmed, mail_notifications FROM member_email WHERE user_id = ?"),
                                         arguments: [userId])
            let profile = MemberExport.Profile(
                username: user.username, role: user.role.rawValue, stakeholder: user.stakeholder.rawValue,
                language: user.language?.rawValue, joined: user.createdAt, suspendedUntil: user.suspendedUntil,
                suspensionReason: user.suspensionReason,
                twoFactorSince: try Int64.fetchOne(db.cached("SELECT enabled_at FROM two_factor WHERE user_id = ?"),
                                                   arguments: [userId]).map(Date.init(unixSeconds:)),
                closedAt: user.closedAt, watchesParticipation: user.watchesParticipation,
                emailConfirmed: email?["confirmed"] ?? false,
                mailNotifications: email?["mail_notifications"] ?? MailNotifications.each.rawValue,
                department: user.department?.rawValue, showDepartment: user.showsDepartment)
            var revisions: [Int64: [MemberExport.Revision]] = [:]
            for row in try Row.fetchAll(db.cached("""
                SELECT r.post_id, r.body_markdown, r.created_at FROM post_revisions r JOIN posts p ON p.id = r.post_id
                WHERE p.author_id = ? ORDER BY r.id
                """), arguments: [userId]) {
                revisions[row[0], default: []].append(MemberExport.Revision(markdown: row[1], replacedAt: Date(unixSeconds: row[2])))
            }
            let posts = try Row.fetchAll(db.cached("""
                SELECT p.id, p.thread_id, t.title, p.parent_id, p.body_markdown, p.created_at, p.edited_at, p.deleted_at,
                       p.held, p.hidden_at
                FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.author_id = ? ORDER BY p.id
                """), arguments: [userId]).map { row in
                MemberExport.Post(
                    id: row[0], threadId: row[1], threadTitle: row[2], parentId: row[3], markdown: row[4],
                    createdAt: Date(unixSeconds: row[5]), editedAt: (row[6] as Int64?).map(Date.init(unixSeconds:)),
                    deletedAt: (row[7] as Int64?).map(Date.init(unixSeconds:)), held: row[8],
                    hiddenAt: (row[9] as Int64?).map(Date.init(unixSeconds:)), revisions: revisions[row[0]] ?? [])
            }
            let threads = try Row.fetchAll(db.cached("""
                SELECT t.id, b.slug, t.title, t.created_at, t.proposal FROM threads t JOIN boards b ON b.id = t.board_id
                WHERE t.author_id = ? ORDER BY t.id
                """), arguments: [userId]).map {
                MemberExport.Thread(id: $0[0], board: $0[1], title: $0[2], createdAt: Date(unixSeconds: $0[3]), proposal: $0[4])
            }
            let endorsements = try Row.fetchAll(db.cached("""
                SELECT e.thread_id, t.title, e.stakeholder, e.created_at FROM endorsements e JOIN threads t ON t.id = e.thread_id
                WHERE e.user_id = ? ORDER BY e.created_at, e.thread_id
                """), arguments: [userId]).map {
                MemberExport.Endorsement(threadId: $0[0], threadTitle: $0[1], stakeholder: $0[2], createdAt: Date(unixSeconds: $0[3]))
            }
            let flags = try Row.fetchAll(db.cached("""
                SELECT post_id, reason, note, created_at, resolved_at FROM flags WHERE user_id = ? ORDER BY id
                """), arguments: [userId]).map {
                MemberExport.Flag(postId: $0[0], reason: $0[1], note: $0[2], createdAt: Date(unixSeconds: $0[3]),
                                  resolvedAt: ($0[4] as Int64?).map(Date.init(unixSeconds:)))
            }
            // A thread the member watched but may no longer see (unlisted, not theirs) keeps its number, not its title.
            let threadWatches = try Row.fetchAll(db.cached("""
                SELECT w.thread_id, CASE WHEN t.listed = 1 OR t.author_id = w.user_id THEN t.title END, w.level, w.created_at
                FROM thread_watches w JOIN threads t ON t.id = w.thread_id WHERE w.user_id = ? ORDER BY w.created_at, w.thread_id
                """), arguments: [userId]).map {
                MemberExport.Watch(threadId: $0[0], threadTitle: $0[1], board: nil, level: $0[2], since: Date(unixSeconds: $0[3]))
            }
            let boardWatches = try Row.fetchAll(db.cached("""
                SELECT b.slug, w.level, w.created_at FROM board_watches w JOIN boards b ON b.id = w.board_id
                WHERE w.user_id = ? ORDER BY w.created_at, b.slug
                """), arguments: [userId]).map {
                MemberExport.Watch(threadId: nil, threadTitle: nil, board: $0[0], level: $0[1], since: Date(unixSeconds: $0[2]))
            }
            let appeals = try Row.fetchAll(db.cached("SELECT * FROM appeals WHERE user_id = ? ORDER BY created_at, post_id"),
                                           arguments: [userId]).map {
                MemberExport.Appeal(postId: $0["post_id"], text: $0["text"], createdAt: $0.date("created_at"), outcome: $0["outcome"],
                                    resolvedAt: $0.optionalDate("resolved_at"))
            }
            return MemberExport(profile: profile, posts: posts, threads: threads, endorsements: endorsements, flags: flags,
                                watches: boardWatches + threadWatches, appeals: appeals)
        }
    }
}
