import ArgumentParser
import CabildoCore
import CabildoStore
import CabildoWeb
import Foundation

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage accounts from the server's shell.",
        subcommands: [Create.self, ResetPassword.self, ResetTwoFactor.self, Export.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account; the password is read from standard input."
        )
        @Argument(help: "Username.") var name: String
        // Member unless asked: a typo or a copied command should not mint an administrator.
        @Option(help: "member (the default), moderator, committee or admin.") var role: String = "member"
        @Option(help: "Stakeholder group, e.g. civil-society.") var stakeholder: String = "individual"
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("unknown role '\(role)': use member, moderator, committee or admin")
            }
            guard let stakeholder = Stakeholder(rawValue: stakeholder) else {
                throw ValidationError("unknown stakeholder group '\(stakeholder)': use "
                                      + Stakeholder.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let username = Rules.normalizeUsername(name)
            if let problem = Rules.validateUsername(username) { throw ValidationError(explain(problem)) }
            let password = try readPassword()
            let config = try database.config()
            let hash = try config.passwordHasher.hash(password)
            try await withStore(config) { store in
                do {
                    let user = try await store.createUser(NewUser(username: username, passwordHash: hash, role: role,
                                                                  stakeholder: stakeholder, createdAt: Date()))
                    CLIIO.write("created \(user.role.rawValue) '\(user.username)' (id \(user.id))")
                } catch StoreError.usernameTaken {
                    throw ValidationError("the username '\(username)' is taken")
                }
            }
        }
    }

    /// The same JSON file the member downloads from `/settings/export`, for an operator answering
    /// a request made by other means (a letter, an e-mail to the committee).
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print everything the forum keeps about an account, as JSON.")
        @Argument(help: "Username.") var name: String
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            try await withStore(try database.config()) { store in
                guard let user = try await store.user(usernameKey: Rules.usernameKey(name)),
                      let export = try await store.memberExport(userId: user.id) else { throw ValidationError("no account '\(name)'") }
                CLIIO.write(String(decoding: try export.json(), as: UTF8.self))
            }
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a new password (read from standard input) and sign the account out everywhere."
        )
        @Argument(help: "Username.") var name: String
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let config = try database.config()
            try await withStore(config) { store in
                // A closed account has no credentials: it signs nobody in again, whatever its password.
                guard let found = try await store.credentials(usernameKey: Rules.usernameKey(name)) else {
                    throw ValidationError("no open account named '\(name)' (a closed account stays closed)")
                }
                let password = try readPassword()
                try await store.setPasswordHash(userId: found.user.id, hash: try config.passwordHasher.hash(password))
                try await store.deleteOtherSessions(userId: found.user.id, keeping: nil)
                CLIIO.write("password reset for '\(found.user.username)'; all their sessions are closed")
            }
        }
    }

    /// For a staff member who lost the phone and the recovery codes: they sign in with the
    /// password alone and enrol again (staff powers wait until they do, under `CABILDO_REQUIRE_2FA`).
    struct ResetTwoFactor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-2fa",
            abstract: "Turn off two-factor sign-in for an account (lost phone) and sign it out everywhere."
        )
        @Argument(help: "Username.") var name: String
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            try await withStore(try database.config()) { store in
                guard let user = try await store.user(usernameKey: Rules.usernameKey(name)) else {
                    throw ValidationError("no account named '\(name)'")
                }
                guard try await store.twoFactor(userId: user.id)?.isOn == true else {
                    throw ValidationError("'\(user.username)' does not have two-factor sign-in on")
                }
                try await store.resetTwoFactor(userId: user.id)
                CLIIO.write("two-factor sign-in turned off for '\(user.username)'; all their sessions are closed, "
                            + "they sign in with the password and enrol again")
            }
        }
    }
}

/// The first line of standard input, checked against the password rules.
private func readPassword() throws -> String {
    guard let password = CLIIO.readSecret() else { throw ValidationError("no password on standard input") }
    if let problem = Rules.validatePassword(password, confirmation: nil) { throw ValidationError(explain(problem)) }
    return password
}

private func explain(_ problem: CabildoCore.ValidationError) -> String {
    switch problem.messageKey {
    case "error_username_length": "usernames have 3 to 30 characters"
    case "error_username_chars": "usernames use only letters, digits, '-' and '_'"
    case "error_username_marks": "usernames cannot contain combining marks: type accented letters as one character"
    case "error_username_scripts": "usernames use the letters of one alphabet, not Latin mixed with Cyrillic or Greek"
    case "error_password_length": "passwords have 10 to 128 characters"
    default: problem.messageKey
    }
}

/// Runs `body` on the database `location` names (SQLite or PostgreSQL), and lets it go afterwards.
func withStore<T>(_ location: StoreLocation, connections: Int = 4, _ body: (any ForumStore) async throws -> T) async throws -> T {
    let opened: OpenedStore
    do { opened = try await location.open(connections: connections) } catch {
        throw ValidationError("cannot open database \(location): \(error)")
    }
    do {
        let result = try await body(opened.store)
        await opened.close()
        return result
    } catch {
        await opened.close()
        throw error
    }
}

func withStore<T>(_ config: AppConfig, _ body: (any ForumStore) async throws -> T) async throws -> T {
    try await withStore(StoreLocation(config.databasePath), body)
}
