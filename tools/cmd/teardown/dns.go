package main

import (
	"strings"

	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// external-dns keeps ownership in TXT records whose value reads
// "heritage=external-dns,external-dns/owner=<owner>,external-dns/resource=<kind/ns/name>".
// Since v0.12 the TXT for a record of type T at name N is written at "<t>-N" (lower-case
// type); older releases (and, until v0.18, the compatibility copy) wrote it at N itself.
// Alias A records have been tracked under "cname-" by some releases, so both are accepted.
var typePrefixes = map[string][]r53types.RRType{
	"a-":     {r53types.RRTypeA},
	"aaaa-":  {r53types.RRTypeAaaa},
	"cname-": {r53types.RRTypeCname, r53types.RRTypeA, r53types.RRTypeAaaa},
	"mx-":    {r53types.RRTypeMx},
	"srv-":   {r53types.RRTypeSrv},
	"ns-":    {r53types.RRTypeNs},
	"ptr-":   {r53types.RRTypePtr},
	"caa-":   {r53types.RRTypeCaa},
}

// legacyTypes are the record types external-dns manages at the TXT record's own name.
var legacyTypes = []r53types.RRType{r53types.RRTypeA, r53types.RRTypeAaaa, r53types.RRTypeCname}

// ownershipTXT reports whether a TXT record set is an external-dns ownership record of owner.
func ownershipTXT(rr r53types.ResourceRecordSet, ownerID string) bool {
	if rr.Type != r53types.RRTypeTxt {
		return false
	}
	for _, v := range rr.ResourceRecords {
		if v.Value == nil {
			continue
		}
		labels := parseHeritage(*v.Value)
		if labels["heritage"] == "external-dns" && labels["external-dns/owner"] == ownerID {
			return true
		}
	}
	return false
}

func parseHeritage(value string) map[string]string {
	labels := map[string]string{}
	for _, part := range strings.Split(strings.Trim(value, `"`), ",") {
		k, v, ok := strings.Cut(part, "=")
		if ok {
			labels[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return labels
}

type recordKey struct {
	name string
	typ  r53types.RRType
}

// ownedRecords returns the record sets of one zone that external-dns wrote for ownerID: every
// ownership TXT record plus each record it claims. A record is claimed only by a TXT record
// naming it with the matching type prefix, or by a legacy TXT at its own name, so a record
// of another owner that merely shares a name suffix is never selected.
func ownedRecords(records []r53types.ResourceRecordSet, ownerID string) []r53types.ResourceRecordSet {
	claimed := map[recordKey]bool{}
	var owned []r53types.ResourceRecordSet
	for _, rr := range records {
		if !ownershipTXT(rr, ownerID) {
			continue
		}
		owned = append(owned, rr)
		name := strings.ToLower(*rr.Name)
		for _, t := range legacyTypes {
			claimed[recordKey{name, t}] = true
		}
		for prefix, types := range typePrefixes {
			if rest, ok := strings.CutPrefix(name, prefix); ok {
				for _, t := range types {
					claimed[recordKey{rest, t}] = true
				}
			}
		}
	}
	for _, rr := range records {
		if rr.Type == r53types.RRTypeTxt || rr.Name == nil {
			continue
		}
		if claimed[recordKey{strings.ToLower(*rr.Name), rr.Type}] {
			owned = append(owned, rr)
		}
	}
	return owned
}
