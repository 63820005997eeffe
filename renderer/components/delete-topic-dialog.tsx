// Deleting a topic destroys its data: the user types the topic's name to confirm.
import { useState } from 'react';
import { useDeleteTopic } from '../hooks/use-topics.js';
import { Dialog } from './dialog.js';
import { ErrorBox } from './error-box.js';

export function DeleteTopicDialog({ clusterId, topic, onClose, onDeleted }: { clusterId: string; topic: string; onClose: () => void; onDeleted?: () => void }) {
  const del = useDeleteTopic(clusterId);
  const [typed, setTyped] = useState('');
  const matches = typed === topic;
  const submit = () => matches && del.mutate(topic, { onSuccess: () => (onClose(), onDeleted?.()) });
  return (
    <Dialog
      title={`Delete topic “${topic}”`}
      onClose={onClose}
      footer={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="danger solid" disabled={!matches || del.isPending} onClick={submit}>
            {del.isPending ? 'Deleting…' : 'Delete topic'}
          </button>
        </>
      }
    >
      <div className="notice warn">
        This deletes every message in <strong>{topic}</strong> on all partitions. Producers and consumers of it will fail. It cannot be undone.
      </div>
      <label className="field">
        Type the topic name to confirm
        <input
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && submit()}
          placeholder={topic}
          autoComplete="off"
          spellCheck={false}
        />
      </label>
      <ErrorBox title="The topic was not deleted" error={del.error} />
    </Dialog>
  );
}
