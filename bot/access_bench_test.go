package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/postgres"
	"github.com/bansou/bansou/store/postgres/pgtest"
	"github.com/bansou/bansou/store/sqlite"
)

// BenchmarkCanSee measures the access check of an advisor on a company
// with 5 advisors among 200 companies, on both backends.
func BenchmarkCanSee(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			db := openBenchStore(b, name)
			defer db.Close()
			ctx := context.Background()
			var p store.Person
			var target int64
			err := db.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
				var advisors []store.Person
				for i := range 5 {
					a, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleAdvisor, Locale: "ja"}, "slack", fmt.Sprintf("U%d", i))
					if err != nil {
						return err
					}
					advisors = append(advisors, a)
				}
				p = advisors[0]
				for i := range 200 {
					c, err := tx.CreateCompany(ctx, store.Company{Name: fmt.Sprintf("会社%d", i)})
					if err != nil {
						return err
					}
					target = c.ID
					for _, a := range advisors {
						if err := tx.Assign(ctx, c.ID, a.ID, time.Now()); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				err := db.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
					ok, err := bot.CanSee(ctx, tx, p, target)
					if err == nil && !ok {
						err = fmt.Errorf("assigned advisor refused")
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// openBenchStore opens a fresh store on backend ("sqlite" or "postgres"),
// for the benchmarks that run on both.
func openBenchStore(b *testing.B, backend string) store.Store {
	b.Helper()
	var db store.Store
	var err error
	if backend == "sqlite" {
		db, err = sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bansou.db"))
	} else {
		db, err = postgres.Open(context.Background(), pgtest.NewDB(b, migratePG))
	}
	if err != nil {
		b.Fatal(err)
	}
	return db
}
