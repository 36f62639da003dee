import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An advisory lock on `DATABASE.lock`, held by `cabildo serve` for as long as it runs, so a
/// restore can tell that a server is using the database and refuse to swap it underneath.
/// The kernel drops the lock when the process ends, however it ends.
public final class ServerLock: @unchecked Sendable {
    private let path: String
    private var descriptor: Int32 = -1
    private let lock = NSLock()

    public init(database: String) throws {
        path = database + ".lock"
    }

    /// True if this process now holds the lock; false if another process does.
    public func tryAcquire() -> Bool {
        lock.withLock {
            if descriptor >= 0 { return true }
            let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return false }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                return false
            }
            descriptor = fd
            return true
        }
    }

    public func release() {
        lock.withLock {
            guard descriptor >= 0 else { return }
            flock(descriptor, LOCK_UN)
            close(descriptor)
            descriptor = -1
        }
    }

    deinit { release() }
}
