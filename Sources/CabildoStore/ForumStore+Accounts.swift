import CabildoCore
import Foundation

/// A member's account, settings, two-factor sign-in and long-window quotas: part of `ForumStore`.
public protocol AccountStore: ForumStoreCore {
    // Accounts
    func setPasswordHash(userId: Int64, hash: String) async throws
    func updateSettings(userId: Int64, language: Language?, stakeholder: Stakeholder) async throws
    /// Where the member takes part from (nil: not answered), and whether their profile shows it.
    func setDepartment(userId: Int64, _ department: Department?, shown: Bool) async throws
    /// The setting "watch the threads I open or reply to".
    func setWatchesParticipation(userId: Int64, _ on: Bool) async throws
    /// Which of these names (`Rules.usernameKey`) are open accounts: key → the name as registered.
    func openAccounts(usernameKeys: [String]) async throws -> [String: String]
    func profile(usernameKey: String, recentLimit: Int) async throws -> UserProfile?
    /// Everything kept about the member, in one read, for them to take away; nil for no such member.
    func memberExport(userId: Int64) async throws -> MemberExport?
    /// The member leaves (`/settings/delete`): signed out everywhere, named nowhere, the name kept
    /// taken; `removingText` deletes every post of theirs as its author would. `lastAdmin` for the only admin.
    func closeAccount(userId: Int64, removingText: Bool, at date: Date) async throws

    // Two-factor sign-in (TOTP): secrets, recovery code digests, guesses, half-signed-in challenges
    /// The member's two-factor state, pending or on; nil when they never began.
    func twoFactor(userId: Int64) async throws -> TwoFactorState?
    /// Keeps `secret` as the member's pending one, or returns the pending one they already have
    /// (the enrolment page shows the same secret however often it is opened). Refused when it is on.
    func beginTwoFactor(userId: Int64, secret: String, at date: Date) async throws -> String
    /// Turns the pending secret on with the code's time step and fresh recovery codes, and ends
    /// every other session of the member; false when nothing was pending.
    func enableTwoFactor(userId: Int64, step: Int64, recoveryCodeDigests: [Data], keepingSession tokenHash: Data?,
                         at date: Date) async throws -> Bool
    /// Turns it off (secret and recovery codes gone) and ends every other session of the member.
    func disableTwoFactor(userId: Int64, keepingSession tokenHash: Data?) async throws
    /// Counts one guess at the member's code; when over `limit` in `window`, the date guessing may
    /// resume (the guess is refused). Every guess counts; a correct one clears the count.
    func takeTwoFactorAttempt(userId: Int64, at date: Date, limit: Int, window: TimeInterval) async throws -> Date?
    /// Accepts a code of time step `step` only if it is later than the last accepted one (no replay).
    func acceptTwoFactorStep(userId: Int64, step: Int64) async throws -> Bool
    /// Uses up one unused recovery code; false when it is not one of the member's, or was used.
    func useRecoveryCode(userId: Int64, digest: Data, at date: Date) async throws -> Bool
    /// `cabildo admin reset-2fa`: two-factor off, every session and challenge ended.
    func resetTwoFactor(userId: Int64) async throws
    /// The half-signed-in state after a correct password (only the token's SHA-256 is stored).
    func createSignInChallenge(tokenHash: Data, userId: Int64, at date: Date, lifetime: TimeInterval) async throws
    func signInChallengeUser(tokenHash: Data, at date: Date, lifetime: TimeInterval) async throws -> User?
    /// Ends the challenge and starts the session in one write; false when the challenge was already used.
    func completeSignIn(challenge tokenHash: Data, session sessionTokenHash: Data, userAgent: String,
                        at date: Date) async throws -> Bool

    // Quotas
    /// Counts one use of an account's long-window quota, or refuses (and counts nothing).
    func takeQuota(_ quota: AccountQuota, userId: Int64, limit: RateLimit, at date: Date) async throws -> RateLimiter.Decision
}
