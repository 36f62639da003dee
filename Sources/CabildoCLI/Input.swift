import Foundation

/// Where commands read from and write to; tests swap these for a task's duration.
public enum CLIIO {
    @TaskLocal public static var readLine: @Sendable () -> String? = { Swift.readLine(strippingNewline: true) }
    @TaskLocal public static var write: @Sendable (String) -> Void = { print($0) }
    /// The variables the settings are read from (`AppConfig.fromEnvironment`): the process's.
    /// Tests give each command its own rather than `setenv`, which is unsafe while other threads
    /// read the environment: a test suite's `setenv` crashed another test's `Process.run()`.
    @TaskLocal public static var environment: @Sendable () -> [String: String] = { ProcessInfo.processInfo.environment }

    /// A line that must not be shown, a password: when a person types it at a terminal, the
    /// terminal's echo is off meanwhile, so it never lands on the screen or in a recording of it.
    /// Piped input (scripts, tests) is read as any other line.
    static func readSecret() -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return readLine() }
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { return readLine() }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        FileHandle.standardError.write(Data("password: ".utf8))
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            // The Enter the person typed was not echoed either.
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine()
    }
}
