import {
  Alert,
  Anchor,
  Breadcrumbs,
  Button,
  Group,
  Paper,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { displayName, hasDraftAndPublish, mainField, type ModelInfo } from '../../api/content-types';
import { documentsApi, type ContentDocument, type DocumentStatus } from '../../api/documents';
import { showApiError } from '../../api/form-errors';
import { useCan } from '../../auth/permissions';
import { FieldList } from '../../components/fields/FieldList';
import { PayloadErrors, toFormValues, toPayload } from './form-values';
import { SchedulePanel } from './SchedulePanel';
import { SchemaContext, type SchemaLookup } from './schema-context';
import { StatusBadge } from './StatusBadge';
import { useSchemaLookup } from './useSchemaLookup';

/** /content/:uid/:documentId (or `new`) and /single/:uid: the edit form of one document's draft. */
export function EditPage({ single = false }: { single?: boolean }) {
  const { uid = '', documentId = 'new' } = useParams();
  const { lookup, error } = useSchemaLookup();
  const type = lookup?.contentTypes.get(uid);
  const isNew = !single && documentId === 'new';
  // The editor of a new document stays the same component when its first save moves it to the
  // document's own URL (its key travels in the history state): a remount there would drop whatever the
  // editor typed in the meantime. Any other navigation, "create new entry" again included, starts fresh.
  const location = useLocation();
  const keptKey = (location.state as { editorKey?: string } | null)?.editorKey;
  const editorKey = keptKey ?? (isNew ? `${uid}/new/${location.key}` : `${uid}/${documentId}`);

  const document = useQuery({
    queryKey: ['document', uid, single ? 'single' : documentId],
    queryFn: () => (single ? documentsApi.getSingle(uid) : documentsApi.get(uid, documentId)),
    enabled: !isNew && type !== undefined,
  });

  if (error) throw error;
  if (!lookup || (!isNew && document.isLoading)) return <Skeleton h={480} />;
  if (!type) return <Alert color="red">No content type {uid}</Alert>;
  if (document.error) throw document.error;
  return (
    <SchemaContext.Provider value={lookup}>
      <DocumentEditor
        key={editorKey}
        editorKey={editorKey}
        type={type}
        lookup={lookup}
        single={single}
        initial={isNew ? null : (document.data?.data ?? null)}
        initialStatus={document.data?.meta.status ?? 'draft'}
      />
    </SchemaContext.Provider>
  );
}

function DocumentEditor({
  editorKey,
  type,
  lookup,
  single,
  initial,
  initialStatus,
}: {
  editorKey: string;
  type: ModelInfo;
  lookup: SchemaLookup;
  single: boolean;
  initial: ContentDocument | null;
  initialStatus: DocumentStatus;
}) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const can = useCan();
  const attributes = type.definition.attributes;
  const [current, setCurrent] = useState<ContentDocument | null>(initial);
  const [status, setStatus] = useState<DocumentStatus>(initialStatus);
  const [busy, setBusy] = useState<string | null>(null);
  const form = useForm<Record<string, unknown>>({
    mode: 'controlled',
    initialValues: toFormValues(attributes, initial, lookup),
  });
  const draftAndPublish = hasDraftAndPublish(type);
  const exists = current !== null;
  const action = (name: string) => can(`plugin::content-manager.explorer.${name}`, type.uid);
  const mayWrite = exists ? action('update') : action('create');
  const title = exists ? String(current[mainField(type)] ?? current.documentId) : `New ${displayName(type)}`;

  const afterWrite = async (doc: ContentDocument, newStatus: DocumentStatus) => {
    setCurrent(doc);
    setStatus(newStatus);
    form.setInitialValues(toFormValues(attributes, doc, lookup));
    form.setValues(toFormValues(attributes, doc, lookup));
    form.resetDirty();
    await queryClient.invalidateQueries({ queryKey: ['documents', type.uid] });
  };

  /** Saves the draft; returns the saved document, or null when the server refused (errors shown at fields). */
  const save = async (): Promise<ContentDocument | null> => {
    form.clearErrors();
    let data: Record<string, unknown>;
    try {
      data = toPayload(attributes, form.getValues(), lookup);
    } catch (e) {
      if (e instanceof PayloadErrors) form.setErrors(e.errors);
      return null;
    }
    try {
      const result = single
        ? await documentsApi.putSingle(type.uid, data)
        : exists
          ? await documentsApi.update(type.uid, current.documentId, data)
          : await documentsApi.create(type.uid, data);
      await afterWrite(result.data, result.meta.status);
      if (!exists && !single) {
        // The page reads the document from this cache entry instead of showing a loader (which would
        // unmount this editor), and keeps this editor through the URL change (see EditPage).
        queryClient.setQueryData(['document', type.uid, result.data.documentId], result);
        navigate(`/content/${type.uid}/${result.data.documentId}`, { replace: true, state: { editorKey } });
      }
      return result.data;
    } catch (e) {
      if (!showApiError(e, form.setErrors))
        if (e instanceof ApiError && e.details.errors?.length)
          notifications.show({ color: 'red', title: 'Not saved', message: e.message });
      return null;
    }
  };

  const run = async (name: string, work: () => Promise<void>) => {
    setBusy(name);
    try {
      await work();
    } finally {
      setBusy(null);
    }
  };

  const onSave = () =>
    run('save', async () => {
      if (await save()) notifications.show({ color: 'green', message: 'Saved' });
    });

  const publication = (verb: 'publish' | 'unpublish') =>
    run(verb, async () => {
      // Publishing publishes what the form shows: unsaved changes are saved first.
      const doc = verb === 'publish' && (form.isDirty() || !exists) ? await save() : current;
      if (!doc) return;
      try {
        const result = single
          ? await documentsApi.publishSingle(type.uid, verb)
          : await documentsApi.publish(type.uid, doc.documentId, verb);
        setStatus(result.meta.status);
        await queryClient.invalidateQueries({ queryKey: ['documents', type.uid] });
        notifications.show({ color: 'green', message: verb === 'publish' ? 'Published' : 'Unpublished' });
      } catch (e) {
        showApiError(e, form.setErrors);
      }
    });

  const onDelete = () =>
    modals.openConfirmModal({
      title: `Delete “${title}”?`,
      children: (
        <Text size="sm">The draft and the published version are deleted. This cannot be undone.</Text>
      ),
      labels: { confirm: 'Delete', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        run('delete', async () => {
          try {
            await documentsApi.remove(type.uid, current!.documentId);
            await queryClient.invalidateQueries({ queryKey: ['documents', type.uid] });
            navigate(`/content/${type.uid}`);
          } catch (e) {
            showApiError(e);
          }
        }),
    });

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void onSave();
      }}
    >
      <Stack>
        {!single && (
          <Breadcrumbs>
            <Anchor component={Link} to={`/content/${type.uid}`}>
              {displayName(type)}
            </Anchor>
            <Text>{title}</Text>
          </Breadcrumbs>
        )}
        <Group justify="space-between" align="flex-start">
          <Group gap="sm">
            <Title order={1}>{single ? displayName(type) : title}</Title>
            {draftAndPublish && exists && <StatusBadge status={status} />}
            {form.isDirty() && (
              <Text size="sm" c="orange">
                Unsaved changes
              </Text>
            )}
          </Group>
          <Group gap="xs">
            {!single && exists && action('delete') && (
              <Button variant="subtle" color="red" onClick={onDelete} loading={busy === 'delete'}>
                Delete
              </Button>
            )}
            {draftAndPublish && exists && status !== 'draft' && action('publish') && (
              <Button
                variant="default"
                onClick={() => void publication('unpublish')}
                loading={busy === 'unpublish'}
              >
                Unpublish
              </Button>
            )}
            <Button
              type="submit"
              variant={draftAndPublish ? 'default' : 'filled'}
              loading={busy === 'save'}
              disabled={!mayWrite}
            >
              Save
            </Button>
            {draftAndPublish && action('publish') && (
              <Button
                onClick={() => void publication('publish')}
                loading={busy === 'publish'}
                disabled={!mayWrite || (status === 'published' && !form.isDirty())}
              >
                Publish
              </Button>
            )}
          </Group>
        </Group>
        <Paper withBorder p="lg">
          <FieldList form={form} attributes={attributes} prefix="" disabled={!mayWrite} />
        </Paper>
        {draftAndPublish && exists && !single && action('publish') && (
          <SchedulePanel uid={type.uid} documentId={current.documentId} />
        )}
      </Stack>
    </form>
  );
}
