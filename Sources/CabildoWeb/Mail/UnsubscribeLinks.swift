import CabildoCore
import Foundation

/// The token of every mail's unsubscribe link (`/unsubscribe/{token}`): the member's id and an
/// HMAC of it under the server key, so it works without signing in, for as long as the forum
/// keeps its key, and nobody can make one for another member. Nothing is stored: a mail written
/// a week ago still unsubscribes. All it can do is turn notification mail off.
struct UnsubscribeLinks: Sendable {
    let key: Data

    func token(userId: Int64) -> String {
        "\(userId)." + mac(userId)
    }

    /// The member a token names, if it is one this server made.
    func userId(fromToken token: String) -> Int64? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count <= 19, let userId = Int64(parts[0]), userId > 0,
              Tokens.constantTimeEquals(String(parts[1]), mac(userId)) else { return nil }
        return userId
    }

    private func mac(_ userId: Int64) -> String {
        Tokens.hmac(key: key, message: "unsubscribe:\(userId)")
    }
}
