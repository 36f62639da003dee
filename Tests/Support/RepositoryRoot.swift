import Foundation

/// The repository root, found from this file, so tests use the real templates and stylesheet.
public let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
