package chat.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Test doubles made of a real implementation with some of its calls changed: a store that fails
 * one kind of call, holds one, or counts one, and otherwise does what the real one does.
 */
final class Around {
  private Around() {}

  /** What one call does: {@code real.proceed()} makes the real call and returns its result. */
  interface Advice {
    Object call(String method, Object[] args, Real real) throws Throwable;
  }

  /** The call as the real implementation makes it. */
  interface Real {
    Object proceed() throws Throwable;
  }

  /** {@code target} as a {@code type} whose every call goes through {@code advice}. */
  static <T> T wrap(Class<T> type, T target, Advice advice) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> advice.call(method.getName(), args, () -> {
          try {
            return method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        })));
  }
}
