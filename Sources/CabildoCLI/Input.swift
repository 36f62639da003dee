import Foundation

/// Where commands read from and write to; tests swap these for a task's duration.
public enum CLIIO {
    @TaskLocal public static var readLine: @Sendable () -> String? = { Swift.readLine(strippingNewline: true) }
    @TaskLocal public static var write: @Sendable (String) -> Void = { print($0) }
}

struct AppConfigSource {
    var environment = ProcessInfo.processInfo.environment
}
