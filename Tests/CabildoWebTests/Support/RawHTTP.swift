import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sends one HTTP/1.1 request, written out by hand, to a `.live` test server and returns the
/// whole response: for what the test client cannot send, such as a `Host` of the client's choosing.
func rawHTTP(port: Int, _ request: String) throws -> String {
    let socket = try connectToLocalhost(port: port)
    defer { close(socket) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
        let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw TestFailure("send: errno \(errno)") }
        sent += count
    }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = recv(socket, &buffer, buffer.count, 0)
        guard count > 0 else { break }
        response += buffer[0..<count]
    }
    return String(decoding: response, as: UTF8.self)
}

/// The test server binds "localhost", which may be 127.0.0.1 or ::1: try each address it names.
func connectToLocalhost(port: Int) throws -> Int32 {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo("localhost", String(port), &hints, &list) == 0, let first = list else {
        throw TestFailure("cannot resolve localhost")
    }
    defer { freeaddrinfo(first) }
    var candidate: UnsafeMutablePointer<addrinfo>? = first
    while let info = candidate {
        let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        if socket >= 0 {
            if connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return socket }
            close(socket)
        }
        candidate = info.pointee.ai_next
    }
    throw TestFailure("nothing listens on localhost:\(port)")
}
