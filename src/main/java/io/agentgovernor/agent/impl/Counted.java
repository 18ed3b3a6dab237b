package io.agentgovernor.agent.impl;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.net.NetSocket;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wraps a file or socket handed to an agent so its lifetime is counted exactly (one decrement,
 * whether the agent closes it or the peer does) and the bytes it carries are accounted. A dynamic
 * proxy over the Vert.x interface rather than a hand-written delegate: the interfaces have dozens
 * of methods, and only {@code close}, {@code closeHandler}, {@code write} and {@code handler}
 * matter here.
 */
final class Counted implements InvocationHandler {

  private final Object delegate;
  /** The file's path (null for a socket): once written through the context it counts as disk. */
  private final java.nio.file.Path file;
  /** Counts the open files or connections of the agent: +1 at the start, -1 once at close. */
  private final java.util.function.IntConsumer open;
  private final AgentAccount account;
  private final AgentContextImpl context;
  private final AtomicBoolean closed = new AtomicBoolean();
  private Object proxy;
  private Handler<Void> userCloseHandler;

  private Counted(Object delegate, java.nio.file.Path file, java.util.function.IntConsumer open, AgentAccount account,
                  AgentContextImpl context) {
    this.delegate = delegate;
    this.file = file;
    this.open = open;
    this.account = account;
    this.context = context;
    open.accept(1);
  }

  static NetSocket socket(NetSocket socket, AgentAccount account, AgentContextImpl context) {
    Counted counted = new Counted(socket, null, account::connectionsOpen, account, context);
    socket.closeHandler(v -> counted.closedByPeer());
    return counted.proxy(NetSocket.class);
  }

  static AsyncFile file(AsyncFile file, java.nio.file.Path path, AgentAccount account, AgentContextImpl context) {
    return new Counted(file, path, account::filesOpen, account, context).proxy(AsyncFile.class);
  }

  private <T> T proxy(Class<T> type) {
    T p = type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, this));
    proxy = p;
    return p;
  }

  /** Counted down once, however many times it is closed. */
  private void markClosed() {
    if (closed.compareAndSet(false, true)) {
      open.accept(-1);
    }
  }

  private void closedByPeer() {
    markClosed();
    if (userCloseHandler != null) {
      userCloseHandler.handle(null);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object invoke(Object self, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    Object[] callArgs = args;
    if (name.equals("closeHandler") && args != null && args.length == 1 && delegate instanceof NetSocket) {
      userCloseHandler = (Handler<Void>) args[0];
      return proxy;
    }
    // Only socket bytes are network; a file written through the context shows as disk (its size).
    boolean socket = file == null;
    if (name.equals("write") && args != null && args.length >= 1 && args[0] instanceof Buffer b) {
      if (socket) {
        account.sent(b.length());
      } else {
        account.wrote(file);
      }
    }
    if (name.equals("handler") && args != null && args.length == 1 && args[0] != null) {
      Handler<Buffer> user = (Handler<Buffer>) args[0];
      callArgs = new Object[] {context.accounted((Handler<Buffer>) buf -> {
        if (socket) {
          account.received(buf.length());
        }
        user.handle(buf);
      })};
    }
    Object result;
    try {
      result = method.invoke(delegate, callArgs);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (name.equals("close") && result instanceof Future<?> f) {
      f.onComplete(ar -> markClosed());
    }
    return result == delegate ? proxy : result;
  }
}
