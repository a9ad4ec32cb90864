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
// level, and retries and failed attempts at warn level. Credentials are
// never logged: no header or body is. New also switches logging on, to
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

// logAttempt logs the outcome of one attempt; resp or err is set.
func (c *config) logAttempt(ctx context.Context, op string, req *http.Request, attempt int, start time.Time, resp *http.Response, err error) {
	level := slog.LevelDebug
	if err != nil || resp.StatusCode >= 300 {
		level = slog.LevelWarn
	}
	if c.logger == nil || !c.logger.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("op", op), slog.String("method", req.Method), slog.String("path", req.URL.Path),
		slog.Int("attempt", attempt), slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode), slog.String("request_id", resp.Header.Get("X-Request-Id")))
	}
	c.logger.LogAttrs(ctx, level, "openai attempt", attrs...)
}

// logRetry logs that a retry is scheduled after wait.
func (c *config) logRetry(ctx context.Context, op string, attempt int, wait time.Duration) {
	if c.logger != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "openai retry", slog.String("op", op), slog.Int("next_attempt", attempt+1), slog.Duration("wait", wait))
	}
}
