import CabildoCore
import Foundation
import GRDB

extension AppDatabase {
    /// Refused with `usernameTaken` when the name, ignoring case, or its look-alike skeleton is taken.
    public func createUser(_ draft: NewUser) async throws -> User {
        let key = Rules.usernameKey(draft.username)
        let skeleton = UsernameSkeleton.of(draft.username)
        do {
            // No kept page shows a member who has not written yet.
            return try await write(changes: .memberState) { db in
                // In the insert's transaction: SQLite runs one writer at a time, so no look-alike slips in between.
                if try Bool.fetchOne(db.cached("SELECT EXISTS (SELECT 1 FROM users WHERE name_skeleton = ?)"), arguments: [skeleton]) == true {
                    throw StoreError.usernameTaken
                }
                try db.cached("""
                    INSERT INTO users (username, username_key, name_skeleton, password_hash, role, stakeholder, department, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [draft.username, key, skeleton, draft.passwordHash, draft.role.rawValue,
                                     draft.stakeholder.rawValue, draft.department?.rawValue, draft.createdAt.unixSeconds])
                var user = User(id: db.lastInsertedRowID, username: draft.username, role: draft.role,
                                stakeholder: draft.stakeholder, language: nil, createdAt: Date(unixSeconds: draft.createdAt.unixSeconds))
                user.department = draft.department
                return user
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.usernameTaken
        }
    }

    /// Computes the skeleton of accounts that have none: those made before `v4-username-skeleton`.
    func fillUsernameSkeletons() throws {
        // Looked for first, so opening an up-to-date database takes no write lock.
        let missing = try writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE name_skeleton IS NULL)") ?? false
        }
        guard missing else { return }
        try writer.write { db in
            let unfilled = try Row.fetchAll(db, sql: "SELECT id, username FROM users WHERE name_skeleton IS NULL")
            for row in unfilled {
                try db.cached("UPDATE users SET name_skeleton = ? WHERE id = ?")
                    .execute(arguments: [UsernameSkeleton.of(row["username"]), row["id"] as Int64])
            }
        }
    }

    public func user(id: Int64) async throws -> User? {
        try await read { db in
            try Row.fetchOne(db.cached("SELECT * FROM users WHERE id = ?"), arguments: [id]).map(User.init(row:))
        }
    }

    public func user(usernameKey: String) async throws -> User? {
        try await read { db in
            try Row.fetchOne(db.cached("SELECT * FROM users WHERE username_key = ?"), arguments: [usernameKey]).map(User.init(row:))
        }
    }

    /// nil for a closed account as for no account: it signs nobody in, and its hash is gone.
    public func credentials(usernameKey: String) async throws -> (user: User, passwordHash: String)? {
        try await read { db in
            try Row.fetchOne(db.cached("SELECT * FROM users WHERE username_key = ? AND closed_at IS NULL"), arguments: [usernameKey])
                .map { (User(row: $0), $0["password_hash"]) }
        }
    }

    public func credentials(userId: Int64) async throws -> String? {
        try await read { db in
            try String.fetchOne(db.cached("SELECT password_hash FROM users WHERE id = ? AND closed_at IS NULL"), arguments: [userId])
        }
    }

    public func setPasswordHash(userId: Int64, hash: String) async throws {
        try await write(changes: .memberState) { db in
            try db.cached("UPDATE users SET password_hash = ? WHERE id = ? AND closed_at IS NULL").execute(arguments: [hash, userId])
            guard db.changesCount == 1 else { throw StoreError.notFound }
        }
    }

    public func updateSettings(userId: Int64, language: Language?, stakeholder: Stakeholder) async throws {
        try await write { db in
            try db.cached("UPDATE users SET language = ?, stakeholder = ? WHERE id = ?").execute(arguments: [language?.rawValue, stakeholder.rawValue, userId])
        }
    }

    /// A closed account keeps none: `closeAccount` clears it, and this changes nothing there.
    public func setDepartment(userId: Int64, _ department: Department?, shown: Bool) async throws {
        try await write { db in
            let harvest = try HarvestDepartmentChange(db, user: userId)
            try db.cached("UPDATE users SET department = ?, show_department = ? WHERE id = ? AND closed_at IS NULL")
                .execute(arguments: [department?.rawValue, shown, userId])
            try harvest.commit(db)
        }
    }

    public func openAccounts(usernameKeys: [String]) async throws -> [String: String] {
        try await read { db in
            var found: [String: String] = [:]
            for key in usernameKeys {
                found[key] = try String.fetchOne(db.cached("SELECT username FROM users WHERE username_key = ? AND closed_at IS NULL"),
                                                 arguments: [key])
            }
            return found
        }
    }

    /// A closed account's profile is its row alone: its posts are not listed under a page that
    /// names it.
    public func profile(usernameKey: String, recentLimit: Int) async throws -> UserProfile? {
        try await read { db in
            guard let row = try Row.fetchOne(db.cached("SELECT * FROM users WHERE username_key = ?"), arguments: [usernameKey]) else {
                return nil
            }
            let user = User(row: row)
            guard !user.isClosed else { return UserProfile(user: user, postCount: 0, recentPosts: []) }
            let count = try Int.fetchOne(db.cached("""
                SELECT COUNT(*) FROM posts WHERE author_id = ? AND deleted_at IS NULL AND held = 0 AND hidden_at IS NULL
                """), arguments: [user.id]) ?? 0
            let recent = try Row.fetchAll(db.cached("""
                SELECT p.id, p.thread_id, t.title, ?, p.body_html, p.created_at
                FROM posts p JOIN threads t ON t.id = p.thread_id
                WHERE p.author_id = ? AND p.deleted_at IS NULL AND p.held = 0 AND p.hidden_at IS NULL AND t.listed = 1
                ORDER BY p.id DESC LIMIT ?
                """), arguments: [user.username, user.id, recentLimit]).map(FeedEntry.init(row:))
            return UserProfile(user: user, postCount: count, recentPosts: recent)
        }
    }
}

extension User {
    init(row: Row) {
        self.init(
            id: row["id"], username: row["username"],
            role: Role(rawValue: row["role"]) ?? .member,
            stakeholder: Stakeholder(rawValue: row["stakeholder"]) ?? .individual,
            language: (row["language"] as String?).flatMap(Language.init(rawValue:)),
            createdAt: row.date("created_at"),
            suspendedUntil: row.optionalDate("suspended_until"), suspensionReason: row["suspension_reason"],
            closedAt: row.optionalDate("closed_at")
        )
        watchesParticipation = row["watch_participation"]
        department = (row["department"] as String?).flatMap(Department.init(rawValue:))
        showsDepartment = row["show_department"]
    }
}
