import Foundation

/// Deletes a test database with its -wal and -shm files, so a test run leaves nothing behind.
func removeDatabase(at path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}
