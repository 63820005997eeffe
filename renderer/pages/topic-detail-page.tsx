// One topic: partitions (with ISR health and throughput), configs, messages.
import { useState } from 'react';
import { DeleteTopicDialog } from '../components/delete-topic-dialog.js';
import { ErrorBox } from '../components/error-box.js';
import { formatCount } from '../components/format.js';
import { ProduceDialog } from '../components/produce-dialog.js';
import { Loading } from '../components/progress.js';
import { Link, navigate, pathOf, useRoute } from '../components/router.js';
import { Tabs } from '../components/tabs.js';
import { useTopic } from '../hooks/use-topics.js';
import { MessagesTab } from './messages-tab.js';
import { TopicConfigsTab } from './topic-configs-tab.js';
import { TopicPartitionsTab } from './topic-partitions-tab.js';

type Tab = 'partitions' | 'configs' | 'messages';

export function TopicDetailPage({ clusterId, topic }: { clusterId: string; topic: string }) {
  const route = useRoute();
  const tab = (['partitions', 'configs', 'messages'].includes(route.query.get('tab') ?? '') ? route.query.get('tab') : 'partitions') as Tab;
  const setTab = (t: Tab) => navigate(pathOf('clusters', clusterId, 'topics', topic) + `?tab=${t}`, { replace: true });
  const detail = useTopic(clusterId, topic);
  const [producing, setProducing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const d = detail.data;
  const urp = d ? d.partitions.filter((p) => p.isr.length < p.replicas.length).length : 0;
  const offline = d ? d.partitions.filter((p) => p.leader === null || p.leader < 0).length : 0;

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to={pathOf('clusters', clusterId, 'topics')}>Topics</Link> /
          </div>
          <h1 className="mono" style={{ fontSize: 17 }}>{topic}</h1>
        </div>
        {d && (
          <>
            <span className="badge">{d.partitions.length} partitions</span>
            <span className="badge">RF {d.replicationFactor}</span>
            <span className="badge">{formatCount(d.messageCountEstimate)} messages</span>
            {offline > 0 && <span className="badge bad">{offline} offline</span>}
            {urp > 0 && <span className="badge warn">{urp} under-replicated</span>}
            {d.internal && <span className="badge">internal</span>}
          </>
        )}
        <div className="actions">
          <button className="primary" onClick={() => setProducing(true)} disabled={!d}>
            Produce message
          </button>
          <button className="danger" onClick={() => setDeleting(true)} disabled={!d || d.internal}>
            Delete
          </button>
        </div>
      </div>
      {detail.error ? <ErrorBox title="Cannot load the topic" error={detail.error} onRetry={() => void detail.refetch()} /> : null}
      {detail.isLoading && <Loading />}
      {d && (
        <>
          <Tabs
            label="Topic sections"
            value={tab}
            onChange={setTab}
            tabs={[
              { id: 'partitions', label: 'Partitions' },
              { id: 'configs', label: 'Configuration' },
              { id: 'messages', label: 'Messages' },
            ]}
          />
          {tab === 'partitions' && <TopicPartitionsTab clusterId={clusterId} detail={d} />}
          {tab === 'configs' && <TopicConfigsTab clusterId={clusterId} topic={topic} />}
          {tab === 'messages' && <MessagesTab clusterId={clusterId} detail={d} />}
        </>
      )}
      {producing && d && <ProduceDialog clusterId={clusterId} topic={topic} partitions={d.partitions.length} onClose={() => setProducing(false)} />}
      {deleting && <DeleteTopicDialog clusterId={clusterId} topic={topic} onClose={() => setDeleting(false)} onDeleted={() => navigate(pathOf('clusters', clusterId, 'topics'))} />}
    </div>
  );
}
