import CabildoCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// The advisory lock new accounts are made under: the look-alike check and the insert must
    /// see every other new account, which SQLite's single writer gave and READ COMMITTED does not.
    static let accountLockKey: Int64 = PostgresMigrations.lockKey + 1

    /// Refused with `usernameTaken` when the name, ignoring case, or its look-alike skeleton is taken.
    public func createUser(_ draft: NewUser) async throws -> User {
        let key = Rules.usernameKey(draft.username)
        let skeleton = UsernameSkeleton.of(draft.username)
        let createdAt = draft.createdAt.unixSeconds
        do {
            // No kept page shows a member who has not written yet.
            return try await write(changes: .memberState) { connection in
                try await connection.run("SELECT pg_advisory_xact_lock(\(Self.accountLockKey))", logger: logger)
                let lookAlike = try await connection.one("SELECT 1 AS taken FROM users WHERE name_skeleton = \(skeleton) LIMIT 1",
                                                         logger: logger) { try $0.int("taken") }
                guard lookAlike == nil else { throw StoreError.usernameTaken }
                let id = try await connection.one("""
                    INSERT INTO users (username, username_key, name_skeleton, password_hash, role, stakeholder, department, created_at)
                    VALUES (\(draft.username), \(key), \(skeleton), \(draft.passwordHash), \(draft.role.rawValue),
                            \(draft.stakeholder.rawValue), \(draft.department?.rawValue), \(createdAt))
                    RETURNING id
                    """, logger: logger) { try $0.int64("id") }
                guard let id else { throw StoreError.notFound }
                var user = User(id: id, username: draft.username, role: draft.role, stakeholder: draft.stakeholder, language: nil,
                                createdAt: Date(unixSeconds: createdAt))
                user.department = draft.department
                return user
            }
        } catch let error as PSQLError where error.isUniqueViolation {
            throw StoreError.usernameTaken
        }
    }

    public func user(id: Int64) async throws -> User? {
        try await read { connection in
            try await connection.one("SELECT * FROM users WHERE id = \(id)", logger: logger, User.init(columns:))
        }
    }

    public func user(usernameKey: String) async throws -> User? {
        try await read { connection in
            try await connection.one("SELECT * FROM users WHERE username_key = \(usernameKey)", logger: logger, User.init(columns:))
        }
    }

    /// nil for a closed account as for no account: it signs nobody in, and its hash is gone.
    public func credentials(usernameKey: String) async throws -> (user: User, passwordHash: String)? {
        try await read { connection in
            try await connection.one("SELECT * FROM users WHERE username_key = \(usernameKey) AND closed_at IS NULL", logger: logger) {
                (try User(columns: $0), try $0.string("password_hash"))
            }
        }
    }

    public func credentials(userId: Int64) async throws -> String? {
        try await read { connection in
            try await connection.one("SELECT password_hash FROM users WHERE id = \(userId) AND closed_at IS NULL", logger: logger) {
                try $0.string("password_hash")
            }
        }
    }
}

extension User {
    /// A row of `users` (`SELECT *`, possibly with more columns).
    init(columns row: Columns) throws {
        self.init(
            id: try row.int64("id"), username: try row.string("username"),
            role: Role(rawValue: try row.string("role")) ?? .member,
            stakeholder: Stakeholder(rawValue: try row.string("stakeholder")) ?? .individual,
            language: try row.optionalString("language").flatMap(Language.init(rawValue:)),
            createdAt: try row.date("created_at"),
            suspendedUntil: try row.optionalDate("suspended_until"), suspensionReason: try row.optionalString("suspension_reason"),
            closedAt: try row.optionalDate("closed_at")
        )
        watchesParticipation = try row.bool("watch_participation")
        department = try row.optionalString("department").flatMap(Department.init(rawValue:))
        showsDepartment = try row.bool("show_department")
    }
}
