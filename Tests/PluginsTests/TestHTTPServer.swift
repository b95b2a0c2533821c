import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A scripted HTTP server on 127.0.0.1 for tests: each request is answered by `reply`, given the
/// request and how many requests came before it; `.hang` never answers.
final class TestHTTPServer: Sendable {
    struct Request: Sendable {
        let path: String
        let headers: [String: String]
    }

    enum Reply: Sendable {
        case respond(status: Int, headers: [String: String] = [:], body: [UInt8] = [])
        case hang
    }

    /// Keeps the requests and answers them.
    final class Recorder: Sendable {
        let log = Mutex<[Request]>([])
        let reply: @Sendable (Request, Int) -> Reply

        init(reply: @escaping @Sendable (Request, Int) -> Reply) {
            self.reply = reply
        }

        func answer(_ request: Request) -> Reply {
            let count = log.withLock { log -> Int in
                log.append(request)
                return log.count - 1
            }
            return reply(request, count)
        }
    }

    private let channel: any Channel
    private let recorder: Recorder
    let port: Int

    var requests: [Request] { recorder.log.withLock { $0 } }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(channel: any Channel, recorder: Recorder, port: Int) {
        self.channel = channel
        self.recorder = recorder
        self.port = port
    }

    static func start(_ reply: @escaping @Sendable (Request, Int) -> Reply) async throws -> TestHTTPServer {
        let recorder = Recorder(reply: reply)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(recorder: recorder))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw CocoaError(.fileNoSuchFile) }
        return TestHTTPServer(channel: channel, recorder: recorder, port: port)
    }

    func stop() async {
        try? await channel.close()
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let recorder: Recorder
        var head: HTTPRequestHead?

        init(recorder: Recorder) {
            self.recorder = recorder
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
            case .body:
                break
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                switch recorder.answer(Request(path: head.uri, headers: headers)) {
                case .hang:
                    return
                case .respond(let status, let extra, let body):
                    var responseHeaders = HTTPHeaders()
                    for (name, value) in extra { responseHeaders.add(name: name, value: value) }
                    responseHeaders.replaceOrAdd(name: "Content-Length", value: String(body.count))
                    let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
                    context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                    if !body.isEmpty {
                        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
                    }
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                }
            }
        }
    }
}
