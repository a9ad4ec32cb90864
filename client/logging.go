package client

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"
)

// WithLogger logs, through l, every attempt of every call (operation,
// method, path, attempt number, status, request id, duration) at debug
// level, and retries and failed attempts (a refusal, a transport error, or
// a successful answer whose body could not be read) at warn level; and the start and
// end of every stream (events, bytes, duration and how it ended: done,
// final, error, cancelled, idle_timeout or closed), at debug level, or warn
// for an error or an idle timeout. Credentials are never logged: no header,
// body or query string is. New also switches logging on, to
// standard error, when OPENAI_LOG is "debug" (or "info", "warn").
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// envLogger returns the logger OPENAI_LOG asks for, or nil.
func envLogger() *slog.Logger {
	var level slog.Level
	switch strings.ToLower(os.Getenv("OPENAI_LOG")) {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "warn":
		level = slog.LevelWarn
	default:
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// logAttempt logs the outcome of one attempt: a response or an error.
func (c *config) logAttempt(ctx context.Context, req *http.Request, a attemptOutcome) {
	level := slog.LevelDebug
	if a.err != nil || a.resp == nil || a.resp.StatusCode >= 300 {
		level = slog.LevelWarn
	}
	if c.logger == nil || !c.logger.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("op", a.op), slog.String("method", req.Method), slog.String("path", req.URL.Path),
		slog.Int("attempt", a.attempt), slog.Duration("duration", a.duration),
	}
	if a.resp == nil {
		attrs = append(attrs, slog.String("error", a.err.Error()))
	} else {
		attrs = append(attrs, slog.Int("status", a.resp.StatusCode), slog.String("request_id", a.resp.Header.Get("X-Request-Id")))
		if a.err != nil && a.resp.StatusCode < 300 {
			// A success whose body could not be read (cut short, too large).
			attrs = append(attrs, slog.String("error", a.err.Error()))
		}
	}
	c.logger.LogAttrs(ctx, level, "openai attempt", attrs...)
}

// logStreamEnd logs the end of a stream: at debug level when it ended as
// it should or the caller stopped it, at warn level after an error or an
// idle timeout.
func (c *config) logStreamEnd(ctx context.Context, info StreamInfo) {
	level := slog.LevelDebug
	if info.Outcome == StreamFailed || info.Outcome == StreamIdleTimeout {
		level = slog.LevelWarn
	}
	if c.logger == nil || !c.logger.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("op", info.Operation), slog.String("request_id", info.RequestID), slog.String("end", string(info.Outcome)),
		slog.Int("events", info.Events), slog.Int64("bytes", info.Bytes), slog.Duration("duration", info.Duration),
	}
	if info.Err != nil {
		attrs = append(attrs, slog.String("error", info.Err.Error()))
	}
	c.logger.LogAttrs(ctx, level, "openai stream end", attrs...)
}

// logRetry logs that a retry is scheduled after wait.
func (c *config) logRetry(ctx context.Context, op string, attempt int, wait time.Duration) {
	if c.logger != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "openai retry", slog.String("op", op), slog.Int("next_attempt", attempt+1), slog.Duration("wait", wait))
	}
}
