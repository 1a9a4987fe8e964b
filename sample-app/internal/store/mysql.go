package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// SetMySQLDriverLogger sends the driver's own messages (dropped idle connections, for example)
// to logger, so that every line the process writes is JSON.
func SetMySQLDriverLogger(logger *slog.Logger) {
	_ = mysql.SetLogger(mysqlDriverLogger{logger})
}

type mysqlDriverLogger struct{ logger *slog.Logger }

func (l mysqlDriverLogger) Print(v ...any) {
	l.logger.Warn("mysql driver", "detail", strings.TrimSpace(fmt.Sprint(v...)))
}

// mysqlSchema is safe to run at every start.
const mysqlSchema = `CREATE TABLE IF NOT EXISTS entries (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  message VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  created_at DATETIME(3) NOT NULL,
  KEY entries_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`

// MySQLStore keeps entries in a MySQL-compatible database (Amazon RDS/Aurora, MariaDB, MySQL).
type MySQLStore struct {
	db *sql.DB
}

// OpenMySQL connects with a go-sql-driver DSN (user:password@tcp(host:3306)/dbname) and creates
// the schema. Time parsing and a dial timeout are forced because the code depends on them.
func OpenMySQL(ctx context.Context, dsn string) (*MySQLStore, error) {
	dsn = strings.TrimSpace(dsn)
	if dsn == "" {
		return nil, ErrNotConfigured
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("invalid MySQL DSN (want user:password@tcp(host:3306)/dbname): %w", redact(err, cfg))
	}
	if cfg.DBName == "" {
		return nil, fmt.Errorf("MySQL DSN names no database: append /dbname after the address")
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	// Connections are recycled so that rotated credentials and failovers take effect.
	db.SetConnMaxLifetime(5 * time.Minute)
	if _, err := db.ExecContext(ctx, mysqlSchema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("mysql: create schema on %s/%s: %w", cfg.Addr, cfg.DBName, err)
	}
	return &MySQLStore{db: db}, nil
}

// redact keeps parse errors from echoing a password; ParseDSN errors do not contain it today,
// but a future driver message might.
func redact(err error, cfg *mysql.Config) error {
	if cfg == nil || cfg.Passwd == "" {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), cfg.Passwd, "****"))
}

func (s *MySQLStore) Add(ctx context.Context, message string) (Entry, error) {
	e := Entry{Message: message, CreatedAt: now()}
	res, err := s.db.ExecContext(ctx, "INSERT INTO entries (message, created_at) VALUES (?, ?)", message, e.CreatedAt)
	if err != nil {
		return Entry{}, fmt.Errorf("mysql: insert entry: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Entry{}, fmt.Errorf("mysql: read entry id: %w", err)
	}
	e.ID = strconv.FormatInt(id, 10)
	return e, nil
}

func (s *MySQLStore) List(ctx context.Context, limit int) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, message, created_at FROM entries ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("mysql: list entries: %w", err)
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var (
			id uint64
			e  Entry
		)
		if err := rows.Scan(&id, &e.Message, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("mysql: scan entry: %w", err)
		}
		e.ID = strconv.FormatUint(id, 10)
		e.CreatedAt = e.CreatedAt.UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mysql: list entries: %w", err)
	}
	return out, nil
}

func (s *MySQLStore) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

func (s *MySQLStore) Close(context.Context) error { return s.db.Close() }
