import CabildoStore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes sessions past their idle or absolute limit, half-signed-in challenges past their
/// minutes, mail links past their lifetime, sent mails' rows past their week and, on a shared
/// store, rate-limit buckets that filled up again, at start and then every hour. Without it an expired session's row (token digest, browser, times) would stay
/// until its browser came back, which may be never; `/privacy` says they go within the hour. A service of the application, stopped with it.
struct SessionSweeper: Service {
    let store: any ForumStore
    let idleLimit: TimeInterval
    let absoluteLimit: TimeInterval
    let clock: @Sendable () -> Date
    let logger: Logger
    static let interval: Duration = .seconds(3600)

    func run() async throws {
        repeat {
            do {
                let swept = try await store.deleteExpiredSessions(now: clock(), idleLimit: idleLimit, absoluteLimit: absoluteLimit,
                                                                  challengeLifetime: LoginCodeController.challengeLifetime)
                if swept > 0 { logger.info("expired sessions deleted", metadata: ["count": "\(swept)"]) }
            } catch {
                // A busy or full disk now is no reason to stop the server: the next hour tries again.
                logger.warning("could not delete expired sessions", metadata: ["error": "\(error)"])
            }
            do {
                let swept = try await store.deleteExpiredMailRecords(at: clock())
                if swept > 0 { logger.info("expired mail links and old mails deleted", metadata: ["count": "\(swept)"]) }
            } catch {
                logger.warning("could not delete expired mail links", metadata: ["error": "\(error)"])
            }
            if let buckets = store as? any SharedRateBuckets {
                do {
                    let swept = try await buckets.deleteFullRateBuckets(at: clock())
                    if swept > 0 { logger.info("full rate-limit buckets deleted", metadata: ["count": "\(swept)"]) }
                } catch {
                    logger.warning("could not delete full rate-limit buckets", metadata: ["error": "\(error)"])
                }
            }
            // The hour's wait ends early, with an error, when the server shuts down.
        } while (try? await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.interval) }) != nil
    }
}
