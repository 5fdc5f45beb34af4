import json, collections, sys
path=sys.argv[1] if len(sys.argv)>1 else '/work/main/bench/relations_dev.jsonl'
recs=[json.loads(l) for l in open(path,encoding='utf-8')]
errs=[]; seen=set(); ids=set()
TYPES={"responsible","participating","parent","agreement","investment","superior","located"}
for r in recs:
    text=open(f"/work/shared/{r['folder']}/{r['doc']}",encoding='utf-8').read()
    sp=r['span']
    if r['id'] in ids: errs.append(('dup id',r['id']))
    ids.add(r['id'])
    if sp not in text: errs.append(('span not in file',r['id']))
    lines=[i for i,l in enumerate(text.split('\n')) if sp in l]
    if len(lines)!=1: errs.append(('span line count',r['id'],len(lines)))
    else:
        key=(r['doc'],lines[0])
        if key in seen: errs.append(('two spans same line',r['id']))
        seen.add(key)
        full=text.split('\n')[lines[0]]
        if sp!=full and not (150<=len(sp)<=400): errs.append(('substring length',r['id'],len(sp)))
        if sp!=full and not sp.endswith(('。','；','！','？','”')): errs.append(('end boundary',r['id'],sp[-3:]))
        if sp!=full:
            i=full.find(sp)
            if i>0 and full[i-1] not in '。；！？': errs.append(('start boundary',r['id'],full[i-3:i+1]))
    for rel in r['relations']:
        if rel['type'] not in TYPES: errs.append(('bad type',r['id'],rel['type']))
        if rel['quote'] not in sp: errs.append(('quote not in span',r['id'],rel['quote']))
        for k in ('subject','object'):
            if k in rel:
                if rel[k][0] not in sp: errs.append((k+' not in span',r['id'],rel[k][0]))
        if rel['type']=='investment':
            if rel.get('unit') not in ('亿元','万元','元'): errs.append(('unit',r['id']))
            if not rel.get('value','').replace('.','').isdigit(): errs.append(('value',r['id'],rel.get('value')))
            if 'object' in rel: errs.append(('investment has object',r['id']))
        elif 'object' not in rel: errs.append(('missing object',r['id']))
    for kind in ('agencies','programs'):
        for forms in r['entities'][kind]:
            if forms[0] not in sp: errs.append((kind+' first form not in span',r['id'],forms[0]))
print('records',len(recs)); print('errors',len(errs))
for e in errs: print(e)
c=collections.Counter(); cf=collections.Counter(); cfr=collections.Counter()
for r in recs:
    cf[r['folder']]+=1
    if r['relations']: cfr[r['folder']]+=1
    for rel in r['relations']: c[rel['type']]+=1
print('per folder passages',dict(cf)); print('per folder with relations',dict(cfr))
print('relations per type',dict(c), 'total',sum(c.values()))
print('relation passages',sum(1 for r in recs if r['relations']),'controls',sum(1 for r in recs if not r['relations']))
print('files',len({r['doc'] for r in recs}))
print('optional items',sum(len(r['optional']) for r in recs))
