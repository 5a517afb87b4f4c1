"""What cfn-lint cannot know about deploy/cloudformation/chat-cluster.yaml: that it builds what
docs/deploy.md ("Several nodes") promises. Run by deploy/ci/check.sh:

    python3 cluster-template.py TEMPLATE USER_DATA

prints one line per check, "ok: ..." or "FAIL: ...". USER_DATA is the cloud-init file the
template carries (deploy/cloud-init/user-data-cluster.yaml); the nodes' settings in its chat.env
must agree with the load balancer's ports and timeouts.
"""
import re
import sys

import yaml


class Loader(yaml.SafeLoader):
    pass


def tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == 'GetAtt' and isinstance(value, str):
        value = value.split('.', 1)
    return {'Ref' if suffix == 'Ref' else 'Fn::' + suffix: value}


Loader.add_multi_constructor('!', tag)


def check(ok, text):
    print(('ok: ' if ok else 'FAIL: ') + text)


def ref(name):
    return {'Ref': name}


def group_id(name):
    return {'Fn::GetAtt': [name, 'GroupId']}


t = yaml.load(open(sys.argv[1]), Loader=Loader)
user_data_text = open(sys.argv[2]).read()
user_data = yaml.safe_load(user_data_text)
params, res, outputs = t['Parameters'], t['Resources'], t.get('Outputs', {})


def of_type(kind):
    return {n: r for n, r in res.items() if r['Type'] == kind}


def one(kind):
    found = of_type(kind)
    check(len(found) == 1, f'one {kind}')
    return next(iter(found.items())) if found else (None, {'Properties': {}})


# The nodes' settings, as the user-data writes them to /etc/chat/chat.env.
files = {f['path']: f.get('content', '') for f in user_data.get('write_files', [])}
env = {}
for line in files.get('/etc/chat/chat.env', '').splitlines():
    if '=' in line and not line.startswith('#'):
        k, v = line.split('=', 1)
        env[k] = v
http_port, ws_port = int(env.get('CHAT_HTTP_PORT', 0)), int(env.get('CHAT_PORT', 0))
ping = int(env.get('CHAT_PING_INTERVAL_SECONDS', 0))

# Parameters: no password among them (the stack generates it in Secrets Manager).
for p in ('DomainName', 'CertificateArn', 'NodeCount', 'InstanceType', 'ReleaseSha256'):
    check(p in params, f'parameter {p}')
check(not [p for p, v in params.items() if 'password' in p.lower() or v.get('NoEcho')],
      'no password parameter')

# The nodes: a launch template (SSM AMI, IMDSv2, the nodes' security group) and one group.
lt_name, lt = one('AWS::EC2::LaunchTemplate')
ltd = lt['Properties'].get('LaunchTemplateData', {})
image = ltd.get('ImageId')
image_param = params.get(image.get('Ref'), {}) if isinstance(image, dict) else {}
check(image_param.get('Type') == 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>'
      and str(image_param.get('Default', '')).startswith('/aws/service/'),
      'the AMI comes from a public SSM parameter')
md = ltd.get('MetadataOptions', {})
check(md.get('HttpTokens') == 'required' and md.get('HttpEndpoint', 'enabled') == 'enabled',
      'IMDSv2 required (MetadataOptions HttpTokens: required)')
check(all(m.get('Ebs', {}).get('Encrypted') is True for m in ltd.get('BlockDeviceMappings', [{}])),
      "the nodes' volumes are encrypted")
asg_name, asg = one('AWS::AutoScaling::AutoScalingGroup')
ap = asg['Properties']
check(ap.get('LaunchTemplate') == {'LaunchTemplateId': ref(lt_name),
                                   'Version': {'Fn::GetAtt': [lt_name, 'LatestVersionNumber']}},
      "the group launches the launch template's latest version")
check(ap.get('DesiredCapacity') == ref('NodeCount') and ap.get('MinSize') == ref('NodeCount'),
      'the group runs NodeCount nodes')
signal = asg.get('CreationPolicy', {}).get('ResourceSignal', {})
check(signal.get('Count') == ref('NodeCount'), 'the stack waits for a signal from every node')
rolling = asg.get('UpdatePolicy', {}).get('AutoScalingRollingUpdate', {})
check(rolling.get('MaxBatchSize') == 1 and rolling.get('MinInstancesInService') == ref('NodeCount')
      and rolling.get('WaitOnResourceSignals') is True,
      'a release replaces one node at a time, the new one first, each waiting for its signal')
check(f'--logical-resource-id {asg_name} ' in user_data_text,
      f'the user-data signals the group ({asg_name})')
check(ap.get('HealthCheckType') == 'ELB', "the group replaces nodes the load balancer finds unhealthy")

# The load balancer: HTTPS with the ACM certificate, HTTP redirected, idle timeout, target groups.
lb_name, lb = one('AWS::ElasticLoadBalancingV2::LoadBalancer')
attrs = {a['Key']: a['Value'] for a in lb['Properties'].get('LoadBalancerAttributes', [])}
idle = int(attrs.get('idle_timeout.timeout_seconds', 60))
check(ping > 0 and idle > 2 * ping,
      f'the load balancer idle timeout {idle}s is above twice the {ping}s ping interval')
listeners = {int(l['Properties']['Port']): l['Properties']
             for l in of_type('AWS::ElasticLoadBalancingV2::Listener').values()}
check(set(listeners) == {80, 443}, f'listeners on 80 and 443 only (has {sorted(listeners)})')
https = listeners.get(443, {})
check(https.get('Protocol') == 'HTTPS'
      and https.get('Certificates') == [{'CertificateArn': ref('CertificateArn')}],
      'port 443 is HTTPS with the CertificateArn certificate')
check('TLS13-1-2' in str(https.get('SslPolicy')), 'port 443 allows TLS 1.2 and 1.3 only')
listener_attrs = {a['Key']: a['Value'] for a in https.get('ListenerAttributes', [])}
check(str(listener_attrs.get('routing.http.response.strict_transport_security.header_value', ''))
      .startswith('max-age='), 'HTTPS responses carry Strict-Transport-Security')
redirect = listeners.get(80, {}).get('DefaultActions', [{}])[0]
check(redirect.get('Type') == 'redirect'
      and redirect.get('RedirectConfig', {}).get('Protocol') == 'HTTPS'
      and redirect.get('RedirectConfig', {}).get('StatusCode') == 'HTTP_301',
      'port 80 redirects to HTTPS (301)')
groups = of_type('AWS::ElasticLoadBalancingV2::TargetGroup')
check(sorted(ap.get('TargetGroupARNs', []), key=str) == sorted((ref(g) for g in groups), key=str),
      'the nodes are in every target group')
by_port = {int(g['Properties']['Port']): n for n, g in groups.items()}
check(set(by_port) == {http_port, ws_port},
      f'target groups on CHAT_HTTP_PORT {http_port} and CHAT_PORT {ws_port}')
for n, g in groups.items():
    gp = g['Properties']
    port = str(gp.get('HealthCheckPort', 'traffic-port'))
    check(gp.get('HealthCheckPath') == '/readyz' and gp.get('Matcher') == {'HttpCode': '200'}
          and (port == str(http_port) or (port == 'traffic-port' and gp['Port'] == http_port)),
          f'{n} checks /readyz on the HTTP port for a 200')
    ga = {a['Key']: a['Value'] for a in gp.get('TargetGroupAttributes', [])}
    check(ga.get('stickiness.enabled', 'false') == 'false', f'{n} is not sticky')
check(https.get('DefaultActions', [{}])[0].get('TargetGroupArn') == ref(by_port.get(http_port)),
      "everything but /ws goes to the nodes' HTTP port")
ws_rules = [r['Properties'] for r in of_type('AWS::ElasticLoadBalancingV2::ListenerRule').values()
            if {'Field': 'path-pattern', 'PathPatternConfig': {'Values': ['/ws']}}
            in r['Properties'].get('Conditions', [])]
check(len(ws_rules) == 1 and ws_rules[0].get('Actions', [{}])[0].get('TargetGroupArn')
      == ref(by_port.get(ws_port)), "/ws goes to the nodes' WebSocket port")

# Who reaches whom: internet -> load balancer -> nodes -> PostgreSQL and Redis.
sgs = of_type('AWS::EC2::SecurityGroup')
ingress = {g: list(r['Properties'].get('SecurityGroupIngress', [])) for g, r in sgs.items()}
for r in of_type('AWS::EC2::SecurityGroupIngress').values():
    rp = dict(r['Properties'], Condition=r.get('Condition'))
    ingress.setdefault(rp['GroupId']['Fn::GetAtt'][0], []).append(rp)


def sources(group):
    found = set()
    for r in ingress.get(group, []):
        if r.get('IpProtocol') != 'tcp' or r.get('FromPort') != r.get('ToPort'):
            found.add(('not one TCP port', str(r)))
            continue
        src = r.get('CidrIp') or r.get('CidrIpv6') or r.get('SourceSecurityGroupId')
        found.add((int(r['FromPort']), str(src), r.get('Condition')))
    return found


node_sg = ltd.get('SecurityGroupIds', [{}])[0].get('Fn::GetAtt', [None])[0]
lb_sg = lb['Properties'].get('SecurityGroups', [{}])[0].get('Fn::GetAtt', [None])[0]
db_name, db = one('AWS::RDS::DBInstance')
dp = db['Properties']
redis_name, redis = one('AWS::ElastiCache::ReplicationGroup')
rp = redis['Properties']
db_sg = dp.get('VPCSecurityGroups', [{}])[0].get('Fn::GetAtt', [None])[0]
redis_sg = rp.get('SecurityGroupIds', [{}])[0].get('Fn::GetAtt', [None])[0]
check(len({node_sg, lb_sg, db_sg, redis_sg} - {None}) == 4 and len(sgs) == 4,
      'four security groups: load balancer, nodes, PostgreSQL, Redis')
check(sources(lb_sg) == {(80, '0.0.0.0/0', None), (443, '0.0.0.0/0', None)},
      'the load balancer admits 80 and 443 from everyone, nothing else')
lb_from = str(group_id(lb_sg))
node_rules = sources(node_sg)
check({r for r in node_rules if r[0] != 22} == {(http_port, lb_from, None), (ws_port, lb_from, None)},
      "the nodes admit their two ports from the load balancer's group only")
ssh = [r for r in node_rules if r[0] == 22]
check(ssh == [(22, str(ref('AdminCidr')), 'HasSsh')] or not ssh,
      'SSH to the nodes only from AdminCidr, and only when it is given')
node_from = str(group_id(node_sg))
check(sources(db_sg) == {(5432, node_from, None)}, 'PostgreSQL admits the nodes only (5432)')
check(sources(redis_sg) == {(6379, node_from, None)}, 'Redis admits the nodes only (6379)')

# PostgreSQL and Redis: private subnets, encrypted, the password in Secrets Manager.
routes = {}
for r in of_type('AWS::EC2::Route').values():
    routes.setdefault(str(r['Properties']['RouteTableId']), []).append(r['Properties'])
table_of = {str(a['Properties']['SubnetId']): str(a['Properties']['RouteTableId'])
            for a in of_type('AWS::EC2::SubnetRouteTableAssociation').values()}


def private(subnet_ids):
    for s in subnet_ids:
        name = s.get('Ref') if isinstance(s, dict) else None
        if name not in res or res[name]['Properties'].get('MapPublicIpOnLaunch'):
            return False
        table = table_of.get(str(s))
        if table is None or any('GatewayId' in r for r in routes.get(table, [])):
            return False
    return bool(subnet_ids)


db_subnets = res.get(dp.get('DBSubnetGroupName', {}).get('Ref'), {}).get('Properties', {})
check(private(db_subnets.get('SubnetIds', [])) and dp.get('PubliclyAccessible') is False,
      'PostgreSQL is in private subnets (no route out), not publicly accessible')
check(dp.get('StorageEncrypted') is True, 'PostgreSQL storage is encrypted')
check(db.get('DeletionPolicy') == 'Snapshot', 'deleting the stack keeps a final database snapshot')
secret = dp.get('MasterUserPassword', {})
secret = secret.get('Fn::Sub', '') if isinstance(secret, dict) else ''
secrets = of_type('AWS::SecretsManager::Secret')
check(bool(re.fullmatch(r'\{\{resolve:secretsmanager:\$\{(\w+)\}:SecretString:password\}\}', secret))
      and re.search(r'\$\{(\w+)\}', secret).group(1) in secrets,
      "the database password is the stack's Secrets Manager secret")
redis_subnets = res.get(rp.get('CacheSubnetGroupName', {}).get('Ref'), {}).get('Properties', {})
check(private(redis_subnets.get('SubnetIds', [])), 'Redis is in private subnets (no route out)')
check(rp.get('TransitEncryptionEnabled') is True and rp.get('AtRestEncryptionEnabled') is True,
      'Redis is encrypted in transit and at rest')
token = rp.get('AuthToken', {})
token = token.get('Fn::Sub', '') if isinstance(token, dict) else ''
token_secret = re.fullmatch(r'\{\{resolve:secretsmanager:\$\{(\w+)\}:SecretString:token\}\}', token)
db_secret = re.search(r'\$\{(\w+)\}', secret)
check(bool(token_secret) and token_secret.group(1) in secrets
      and token_secret.group(1) != (db_secret.group(1) if db_secret else None),
      "Redis asks for an AUTH token, the stack's own Secrets Manager secret")

# The user-data: no secret, the cluster's settings.
check('{{resolve' not in user_data_text and 'MasterUserPassword' not in user_data_text
      and 'CHAT_POSTGRES_PASSWORD' not in files.get('/etc/chat/chat.env', 'CHAT_POSTGRES_PASSWORD'),
      'no password in the user-data (the node reads it from Secrets Manager)')
role = next(iter(of_type('AWS::IAM::Role').values()), {'Properties': {}})
statements = [s for p in role['Properties'].get('Policies', [])
              for s in p['PolicyDocument']['Statement'] if isinstance(s, dict) and 'Action' in s]
reads = [r for s in statements if 'secretsmanager:GetSecretValue' in str(s['Action'])
         for r in (s['Resource'] if isinstance(s['Resource'], list) else [s['Resource']])]
check(reads and all(r in [ref(n) for n in secrets] for r in reads)
      and len(reads) == len(secrets),
      "the nodes' role reads the stack's secrets (database password, Redis token) and no other")
deploy_env = dict(line.split('=', 1) for line in files.get('/etc/chat/deploy.env', '').splitlines()
                  if '=' in line and not line.startswith('#'))
bootstrap = files.get('/usr/local/sbin/chat-bootstrap', '')
check(token_secret is not None and deploy_env.get('REDIS_SECRET') == f'${{{token_secret.group(1)}}}'
      and 'CHAT_REDIS_PASSWORD=' in bootstrap and 'secrets.env' in bootstrap
      and 'CHAT_REDIS_PASSWORD' not in files.get('/etc/chat/chat.env', 'CHAT_REDIS_PASSWORD'),
      "a node reads Redis' token at boot into secrets.env (CHAT_REDIS_PASSWORD), never user-data")
check(env.get('CHAT_STORE') == 'postgres', 'chat.env: CHAT_STORE=postgres')
check('sslmode=verify-full' in env.get('CHAT_POSTGRES_URL', '')
      and env.get('CHAT_POSTGRES_URL', '').startswith(
          f'jdbc:postgresql://${{{db_name}.Endpoint.Address}}:${{{db_name}.Endpoint.Port}}/'),
      "chat.env: CHAT_POSTGRES_URL is the stack's database, with TLS checked (verify-full)")
check(env.get('CHAT_REDIS_URL') == f'rediss://${{{redis_name}.PrimaryEndPoint.Address}}'
      f':${{{redis_name}.PrimaryEndPoint.Port}}', "chat.env: CHAT_REDIS_URL is the stack's Redis over TLS (rediss://)")
check(env.get('CHAT_HOST') == '0.0.0.0' and env.get('CHAT_TRUSTED_PROXIES'),
      'chat.env: the nodes listen for the load balancer and trust its X-Forwarded-For')
check(env.get('CHAT_PUBLIC_WS_URL') == 'wss://${DomainName}/ws'
      and env.get('CHAT_ALLOWED_ORIGINS') == 'https://${DomainName}',
      'chat.env: public WebSocket URL and allowed origin are the domain')

urls = [str(o.get('Value')) for o in outputs.values()]
check(any('https://' in u for u in urls) and any('wss://' in u for u in urls),
      'outputs give the https:// and wss:// URLs')
