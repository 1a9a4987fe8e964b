package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
)

// defaultMongoDatabase is used when the URI names none (Atlas SRV URIs usually do not).
const defaultMongoDatabase = "sampleapp"

// MongoStore keeps entries in MongoDB (Atlas in the cloud; any wire-compatible server in tests).
type MongoStore struct {
	client  *mongo.Client
	entries *mongo.Collection
}

type mongoEntry struct {
	ID        bson.ObjectID `bson:"_id,omitempty"`
	Message   string        `bson:"message"`
	CreatedAt time.Time     `bson:"created_at"`
}

// OpenMongo connects with a mongodb:// or mongodb+srv:// URI and creates the index it needs.
func OpenMongo(ctx context.Context, uri string) (*MongoStore, error) {
	uri = strings.TrimSpace(uri)
	if uri == "" {
		return nil, ErrNotConfigured
	}
	cs, err := connstring.ParseAndValidate(uri)
	if err != nil {
		return nil, fmt.Errorf("invalid MongoDB URI (want mongodb://user:password@host:27017/dbname or mongodb+srv://…): %w", err)
	}
	dbName := cs.Database
	if dbName == "" {
		dbName = defaultMongoDatabase
	}
	client, err := mongo.Connect(options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(5 * time.Second).
		SetTimeout(10 * time.Second))
	if err != nil {
		return nil, fmt.Errorf("mongodb: connect: %w", err)
	}
	coll := client.Database(dbName).Collection("entries")
	// Creating an index that already exists is a no-op, so this is the idempotent schema step.
	_, err = coll.Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys:    bson.D{{Key: "created_at", Value: -1}},
		Options: options.Index().SetName("entries_created_at"),
	})
	if err != nil {
		_ = client.Disconnect(ctx)
		return nil, fmt.Errorf("mongodb: create index on %s.entries: %w", dbName, err)
	}
	return &MongoStore{client: client, entries: coll}, nil
}

func (s *MongoStore) Add(ctx context.Context, message string) (Entry, error) {
	doc := mongoEntry{ID: bson.NewObjectID(), Message: message, CreatedAt: now()}
	if _, err := s.entries.InsertOne(ctx, doc); err != nil {
		return Entry{}, fmt.Errorf("mongodb: insert entry: %w", err)
	}
	return Entry{ID: doc.ID.Hex(), Message: doc.Message, CreatedAt: doc.CreatedAt}, nil
}

func (s *MongoStore) List(ctx context.Context, limit int) ([]Entry, error) {
	// ObjectIDs grow with time and break ties between entries of the same millisecond.
	opts := options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit))
	cur, err := s.entries.Find(ctx, bson.D{}, opts)
	if err != nil {
		return nil, fmt.Errorf("mongodb: list entries: %w", err)
	}
	var docs []mongoEntry
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongodb: read entries: %w", err)
	}
	out := make([]Entry, 0, len(docs))
	for _, d := range docs {
		out = append(out, Entry{ID: d.ID.Hex(), Message: d.Message, CreatedAt: d.CreatedAt.UTC()})
	}
	return out, nil
}

func (s *MongoStore) Ping(ctx context.Context) error { return s.client.Ping(ctx, nil) }

func (s *MongoStore) Close(ctx context.Context) error { return s.client.Disconnect(ctx) }
